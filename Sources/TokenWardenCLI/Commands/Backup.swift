import ArgumentParser
import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenStore

/// `tokenwarden backup FILE`: a consistent copy of the token database, taken while the daemon runs.
struct Backup: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the token database to FILE, consistently, while the daemon runs.",
        discussion: """
            Uses SQLite's online backup: one read of the whole database, which never blocks the \
            daemon, so the copy is the database as it was at one instant. The copy is built in a \
            private directory beside FILE, mode 0600, checked (quick_check) and flushed; only a copy \
            that passed is put at FILE, which must not exist yet (exit 1 otherwise). It is one file, \
            with no write-ahead log beside it. Interrupted, it may leave a .tokenwarden-backup-* \
            directory beside FILE, which can be removed.

            Run as root, tokenwarden works as the state directory's owner (the tokenwarden user), so \
            FILE's directory must be writable by that user: \
            `install -d -o tokenwarden -m 0700 /var/backups/tokenwarden`. README's "Backup and \
            recovery" says how to restore a copy and what the first cycle after it reconciles.

            Examples:
              sudo tokenwarden backup /var/backups/tokenwarden/$(date +%F).sqlite
              tokenwarden backup ./tokenwarden.sqlite --json
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: ArgumentHelp("Where the copy goes: a new file.", valueName: "file"))
    var file: String

    @Flag(help: "Print the result as one JSON object: file, bytes, check.")
    var json = false

    func run(_ context: CommandContext) throws {
        let (configuration, _) = try context.configurationForReading()
        if PolicyLoader.isInside(file, configuration.daemon.stateDirectory) {
            throw ValidationError(
                "\(file) is inside the state directory \(configuration.daemon.stateDirectory): a backup belongs elsewhere, where losing "
                    + "that directory does not lose it too")
        }
        let result = try TokenStore.backup(databaseAt: configuration.databasePath, to: file)
        if json {
            try JSONOutput.print(Output(file: file, bytes: result.bytes, check: result.check))
        } else {
            let size = ByteCountFormatter.string(fromByteCount: result.bytes, countStyle: .binary)
            print("backed up \(configuration.databasePath) to \(file) (\(size), check: \(result.check))".terminalSafe)
        }
    }

    /// What `backup --json` prints (docs/json.md).
    struct Output: Encodable {
        let file: String
        let bytes: Int64
        let check: String
    }
}

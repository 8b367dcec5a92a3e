import ArgumentParser
import TokenWardenConfig
import TokenWardenCore

/// The scope and the reason that `pause` and `resume` both take.
struct PauseOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only this provider (default: every provider).", valueName: "id"))
    var provider: String?

    @Option(help: ArgumentHelp("Why: kept with the pause, shown by status and the journal.", valueName: "text"))
    var reason: String

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--reason must say why") }
    }

    /// A `--provider` must be configured: a typo would pause nothing (exit 2, with a suggestion).
    func checkProvider(in configuration: Configuration) throws {
        guard let provider, configuration.provider(id: provider) == nil else { return }
        let known = configuration.providers.map(\.id)
        let hint = NearestWord.suggestion(for: provider, among: known).map { "; did you mean \"\($0)\"?" } ?? ""
        throw ValidationError(
            "--provider \"\(provider)\" is not in \(configuration.sourcePath) (configured: \(known.joined(separator: ", ")))\(hint)")
    }
}

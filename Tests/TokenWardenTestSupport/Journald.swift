import Foundation
import TokenWardenJournal

/// A real systemd-journald for tests: the one already running, or one started standalone from
/// /lib/systemd/systemd-journald when none listens (as on these build machines, where a journald
/// of an earlier session may have left its socket file behind; journald replaces a stale one).
public enum Journald {
    private static let lock = NSLock()

    /// Makes sure journald is listening; throws with the reason when it cannot be started.
    public static func ensureRunning() throws {
        try lock.withLock {
            if JournalSocket.isListening() { return }
            let daemon = Process()
            daemon.executableURL = URL(fileURLWithPath: "/lib/systemd/systemd-journald")
            daemon.standardOutput = FileHandle.nullDevice
            daemon.standardError = FileHandle.nullDevice
            try daemon.run()
            for _ in 0..<100 where !JournalSocket.isListening() { usleep(50_000) }
            guard JournalSocket.isListening() else {
                throw CocoaError(
                    .fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "systemd-journald started but does not listen on \(JournalSocket.path)"])
            }
        }
    }

    /// The entries `journalctl -o json` shows for these matches (e.g. `_PID=123`) written at or after
    /// `since` (a PID is reused, and the journal outlives test runs), one JSON object per line,
    /// retrying for up to five seconds until one line satisfies `done` (journald writes asynchronously).
    public static func entries(_ matches: [String], since: Date, until done: @Sendable (String) -> Bool) throws -> [String] {
        var lines: [String] = []
        for _ in 0..<50 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/journalctl")
            process.arguments = ["-o", "json", "--no-pager", "--since=@\(Int(since.timeIntervalSince1970) - 1)"] + matches
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
            if lines.contains(where: done) { return lines }
            usleep(100_000)
        }
        return lines
    }
}

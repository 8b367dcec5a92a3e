import Foundation
import Logging
import TokenWardenCore

/// Log lines for a terminal or a plain log file: `2026-11-23T14:05:00Z NOTICE  message  key=value …`.
/// Used when there is no journal to write to, or stderr is a terminal a person is watching.
public struct TextLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    /// Metadata keys shown after the message; the others are for the journal only.
    let shown: Set<String>
    /// Where finished lines go: stderr, but for tests.
    let output: @Sendable (String) -> Void

    public init(shown: Set<String> = []) {
        self.init(shown: shown) { FileHandle.standardError.write(Data($0.utf8)) }
    }

    /// Lines on standard output, for a command whose events are its output (`demo`).
    public static func standardOutput(shown: Set<String> = []) -> TextLogHandler {
        TextLogHandler(shown: shown) { FileHandle.standardOutput.write(Data($0.utf8)) }
    }

    init(shown: Set<String> = [], output: @escaping @Sendable (String) -> Void) {
        self.shown = shown
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // Messages and metadata carry provider data: shown terminal-safe, one entry one line.
        var line =
            Self.timestamp() + " " + Self.label(event.level).padding(toLength: 8, withPad: " ", startingAt: 0) + " "
            + "\(event.message)".terminalSafe
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let extra = all.filter { shown.contains($0.key) }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)".terminalSafe }
        if !extra.isEmpty { line += "  " + extra.joined(separator: " ") }
        output(line + "\n")
    }

    /// The syslog words admins know, not swift-log's.
    static func label(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: "DEBUG"
        case .info: "INFO"
        case .notice: "NOTICE"
        case .warning: "WARNING"
        case .error: "ERROR"
        case .critical: "CRITICAL"
        }
    }

    static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

import CSystemd
import Foundation
import Logging

/// Writes each log event as one native journal entry through `sd_journal_sendv`: `MESSAGE`,
/// `PRIORITY`, `SYSLOG_IDENTIFIER`, `CODE_FILE`/`CODE_LINE`/`CODE_FUNC`, and every metadata key as
/// its own field (`message_id` → `MESSAGE_ID`, `provider` → `TOKENWARDEN_PROVIDER`), so admins
/// filter with `journalctl TOKENWARDEN_PROVIDER=awx-main` instead of grepping text.
/// An entry journald does not take (it stopped, its socket is stale) is written to stderr as a
/// text line instead, so no event is lost.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let identifier: String
    /// Sends one entry's fields; a negative errno when journald did not take it.
    let sender: @Sendable ([String]) -> Int32
    let fallback: TextLogHandler

    public init(identifier: String = "tokenwarden") {
        self.init(identifier: identifier, sender: Self.send, fallback: TextLogHandler())
    }

    init(identifier: String, sender: @escaping @Sendable ([String]) -> Int32, fallback: TextLogHandler) {
        self.identifier = identifier
        self.sender = sender
        self.fallback = fallback
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = [
            "MESSAGE=\(event.message)",
            "PRIORITY=\(Self.priority(event.level))",
            "SYSLOG_IDENTIFIER=\(identifier)",
            "CODE_FILE=\(event.file)",
            "CODE_LINE=\(event.line)",
            "CODE_FUNC=\(event.function)",
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields.append("\(Self.fieldName(key))=\(value)")
        }
        if sender(fields) < 0 {
            var text = fallback
            text.metadata = metadata
            text.log(event: event)
        }
    }

    /// syslog levels, as journald stores them.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// A valid journal field name for a metadata key: `MESSAGE_ID` stays itself; anything else
    /// becomes `TOKENWARDEN_` and the key in upper case, with characters outside `A-Z 0-9 _` as `_`
    /// (journald drops fields with other names).
    public static func fieldName(_ key: String) -> String {
        let upper = key.uppercased()
        if upper == "MESSAGE_ID" { return upper }
        let cleaned = String(
            upper.unicodeScalars.map { scalar -> Character in
                (("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)) ? Character(scalar) : "_"
            })
        return "TOKENWARDEN_" + cleaned
    }

    /// One entry; each field is its own iovec, so values may hold any bytes, newlines included.
    static func send(_ fields: [String]) -> Int32 {
        // Copied into buffers we own: pointers into Swift arrays are valid only inside their closures.
        let buffers = fields.map { field -> UnsafeMutableRawBufferPointer in
            let bytes = Array(field.utf8)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
            buffer.copyBytes(from: bytes)
            return buffer
        }
        defer { for buffer in buffers { buffer.deallocate() } }
        var vectors = buffers.map { iovec(iov_base: $0.baseAddress, iov_len: $0.count) }
        return sd_journal_sendv(&vectors, Int32(vectors.count))
    }
}

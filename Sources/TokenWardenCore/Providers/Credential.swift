/// A provider secret loaded from a credential file; it prints as `<redacted>` everywhere.
/// Keeping the secret behind this type means string interpolation can never leak it into a log.
public struct Credential: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// How a provider kind's credential file is laid out.
    public enum Format: Sendable, Hashable {
        /// `LEFT:RIGHT`, e.g. Planning Center's `APPLICATION_ID:SECRET`.
        case pair(left: String, right: String)
        /// The whole content is one bearer token.
        case bearer
    }

    /// The usable parts of a credential.
    public enum Value: Sendable, CustomStringConvertible, CustomReflectable {
        case pair(id: String, secret: String)
        case bearer(String)

        public var description: String { "<redacted>" }
        public var customMirror: Mirror { Mirror(self, children: []) }
    }

    /// Why a credential's content was refused; never contains the content.
    public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    public let value: Value

    /// Reads file content in `format`: one trailing newline (`\n` or `\r\n`) is ignored.
    public init(content: String, format: Format) throws(FormatError) {
        var text = Substring(content)
        // "\r\n" is a single Character in Swift, so one dropLast() removes either ending.
        if text.last == "\n" || text.last == "\r\n" { text = text.dropLast() }
        if text.isEmpty { throw FormatError(description: "the file is empty") }
        if text.contains(where: \.isNewline) {
            throw FormatError(description: "the file has more than one line; it must hold only the credential")
        }
        switch format {
        case .bearer:
            if text.contains(where: { $0 == " " || $0 == "\t" }) {
                throw FormatError(description: "the token contains white space; the file must hold only the token")
            }
            value = .bearer(String(text))
        case .pair(let left, let right):
            guard let colon = text.firstIndex(of: ":"), colon != text.startIndex, text.index(after: colon) != text.endIndex else {
                throw FormatError(description: "expected \(left):\(right) on one line")
            }
            value = .pair(id: String(text[..<colon]), secret: String(text[text.index(after: colon)...]))
        }
    }

    /// The credential as its file holds it (`id:secret`, or the token): only for writing such a file.
    public func revealContent() -> String {
        switch value {
        case .pair(let id, let secret): "\(id):\(secret)"
        case .bearer(let token): token
        }
    }

    /// The non-secret half of a pair credential (SailPoint's client id is the daemon's own PAT id).
    public var publicIdentifier: String? {
        if case .pair(let id, _) = value { return id }
        return nil
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    /// `dump()` and debuggers reflect over children; there are none to show.
    public var customMirror: Mirror { Mirror(self, children: []) }
}

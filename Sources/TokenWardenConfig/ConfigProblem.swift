/// One thing wrong with a config or policy file, located as precisely as tokenwarden can.
/// Rendered as `FILE:LINE[:COLUMN]: SUBJECT, key "KEY": MESSAGE; did you mean "X"?`.
public struct ConfigProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    /// What the key belongs to: `rule "revoke-stale"`, `provider "awx-main"`, `[daemon]`.
    public var subject: String?
    /// The full dotted key, e.g. `when.unused_for`.
    public var key: String?
    public var message: String
    /// The nearest valid word, for a misspelt key or value.
    public var suggestion: String?

    public init(
        file: String, line: Int? = nil, column: Int? = nil, subject: String? = nil, key: String? = nil,
        message: String, suggestion: String? = nil
    ) {
        self.file = file
        self.line = line
        self.column = column
        self.subject = subject
        self.key = key
        self.message = message
        self.suggestion = suggestion
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let line, let column, line > 0 { location += ":\(column)" }
        var context: [String] = []
        if let subject { context.append(subject) }
        if let key { context.append("key \"\(key)\"") }
        var text = location + ": "
        if !context.isEmpty { text += context.joined(separator: ", ") + ": " }
        text += message
        if let suggestion { text += "; did you mean \"\(suggestion)\"?" }
        return text
    }
}

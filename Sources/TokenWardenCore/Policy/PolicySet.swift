/// All rules loaded from the policy directory, in file-name order then file order.
/// Reloads replace it whole, so a half-loaded policy never runs.
public struct PolicySet: Sendable {
    public var directory: String
    /// Policy files read, in the order they were read.
    public var files: [String]
    public var rules: [Rule]

    public init(directory: String, files: [String], rules: [Rule]) {
        self.directory = directory
        self.files = files
        self.rules = rules
    }
}

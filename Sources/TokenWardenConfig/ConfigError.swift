/// Every problem found in the configuration and policy files, not just the first.
/// Thrown by the loaders; `tokenwarden validate` prints it and exits 2.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var problems: [ConfigProblem]

    public init(problems: [ConfigProblem]) { self.problems = problems }

    public var description: String {
        let noun = problems.count == 1 ? "problem" : "problems"
        return "\(problems.count) \(noun) in the configuration:\n" + problems.map { "  " + $0.description }.joined(separator: "\n")
    }
}

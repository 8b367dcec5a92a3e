import TokenWardenCore

/// Everything `tokenwarden validate` found: the valid parts, each credential's state, and every problem.
/// Built even when something is wrong, so one run shows all problems.
public struct ValidationReport: Sendable {
    /// A provider's credential that passed the checks.
    public struct CredentialStatus: Sendable {
        public var provider: String
        public var path: String
        public var mode: UInt32
        /// The `[[provider.owner]]` it belongs to; nil for the provider's main credential.
        public var owner: String? = nil
    }

    public var configuration: Configuration?
    public var policies: PolicySet?
    public var credentials: [CredentialStatus] = []
    public var problems: [ConfigProblem] = []

    public var isValid: Bool { configuration != nil && problems.isEmpty }
}

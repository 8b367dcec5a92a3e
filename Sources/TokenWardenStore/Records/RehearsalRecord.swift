import Foundation
import TokenWardenCore

/// One `tokenwarden rehearse` as the store keeps it: what it proved at a provider, step by step.
public struct RehearsalRecord: Sendable, Hashable {
    /// One step's result and the evidence seen (an HTTP status, a field, an owner).
    public struct Step: Sendable, Hashable, Codable {
        public enum Result: String, Sendable, Hashable, Codable {
            case passed, failed, skipped
        }
        public var number: Int
        public var name: String
        public var result: Result
        public var evidence: String

        public init(number: Int, name: String, result: Result, evidence: String) {
            self.number = number
            self.name = name
            self.result = result
            self.evidence = evidence
        }
    }

    public var id: Int64
    public var provider: String
    /// The owner whose credential it ran with; nil for the provider's main credential.
    public var owner: String?
    public var probeName: String
    public var startedAt: Date
    public var finishedAt: Date?
    public var passed: Bool?
    public var failedStep: Int?
    public var summary: String?
    public var steps: [Step]

    /// `passed 2026-12-06` or `failed at step 4: the new token belongs to alice`.
    public var verdict: String {
        guard let passed, let finishedAt else { return "did not finish (started \(ProviderTimestamp.format(startedAt)))" }
        if passed { return "passed \(ProviderTimestamp.formatDay(finishedAt))" }
        return "failed \(ProviderTimestamp.formatDay(finishedAt))" + (failedStep.map { " at step \($0)" } ?? "")
            + ": \(summary ?? "see `tokenwarden rehearse`")"
    }
}

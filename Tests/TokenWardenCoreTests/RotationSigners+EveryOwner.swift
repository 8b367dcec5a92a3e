@testable import TokenWardenCore

extension RotationSigners {
    /// Every owner counts as covered: for tests of rules that are not about ownership.
    static func everyOwner(of providers: [ProviderConfig]) -> RotationSigners {
        var signers = RotationSigners(providers: providers, identities: [:])
        for key in signers.coverage.keys { signers.coverage[key]?.everyToken = true }
        return signers
    }
}

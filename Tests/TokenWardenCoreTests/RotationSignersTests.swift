import Foundation
import Testing
import TokenWardenCore

/// Who tokenwarden can rotate for: the owners its credentials sign in as (provider reference §0.1).
@Suite struct RotationSignersTests {
    static let providers = [
        ProviderConfig(
            id: "awx", kind: .awx, baseURL: "https://awx", credential: .systemd(name: "a"),
            owners: [OwnerCredential(name: "deploy-bot", credential: .systemd(name: "awx-deploy-bot"))]),
        ProviderConfig(id: "cl", kind: .cryptlex, baseURL: "https://cl", credential: .systemd(name: "c"), identity: "u-7"),
        ProviderConfig(id: "sy", kind: .synergy, baseURL: "https://sy", credential: .systemd(name: "s")),
        ProviderConfig(id: "sp", kind: .sailPoint, baseURL: "https://sp", credential: .systemd(name: "p")),
    ]
    static let signers = RotationSigners(providers: providers, identities: ["awx": ProviderIdentity(id: "1", name: "admin")])

    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let provider: String
        let owner: String?
        let ownerID: String?
        let covered: Bool
        var testDescription: String { label }
    }

    static let cases = [
        Case(label: "the main credential's identity, by owner id", provider: "awx", owner: "admin", ownerID: "1", covered: true),
        Case(label: "an owner id wins over a name that happens to match", provider: "awx", owner: "admin", ownerID: "2", covered: false),
        Case(label: "an owner credential by listed name", provider: "awx", owner: "deploy-bot", ownerID: "7", covered: true),
        Case(label: "another user", provider: "awx", owner: "carol", ownerID: "9", covered: false),
        Case(label: "no owner at all", provider: "awx", owner: nil, ownerID: nil, covered: false),
        Case(label: "a configured identity", provider: "cl", owner: "u-7", ownerID: "u-7", covered: true),
        Case(label: "a provider listing only its own tokens", provider: "sy", owner: "1_1", ownerID: nil, covered: true),
        Case(label: "an identity not learned yet", provider: "sp", owner: "Jane", ownerID: "2c91", covered: false),
        Case(label: "an unknown provider", provider: "zz", owner: "admin", ownerID: "1", covered: false),
    ]

    @Test(arguments: cases)
    func covers(_ example: Case) {
        #expect(Self.signers.covers(provider: example.provider, owner: example.owner, ownerID: example.ownerID) == example.covered)
    }

    @Test func aRotationOfAnUncoveredOwnerIsHeldButRevokesAndNoticesAreNot() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var token = Token(
            provider: "awx", id: "5", name: "ci", owner: "carol", scopes: ["read"], createdAt: now.addingTimeInterval(-400 * 86_400),
            state: .active, firstSeenAt: now, lastSeenAt: now, extras: ["user_id": "9"])
        func decide(_ action: RuleAction) -> Decision? {
            PolicyEngine.evaluate(
                tokens: [token], rules: [Rule(name: "r", sourceFile: "10.toml", triggers: [.ageOver(.days(60))], action: action)],
                providers: Self.providers, signers: Self.signers, now: now
            ).first
        }
        #expect(decide(.rotate)?.hold == .ownerCredentialMissing)
        #expect(decide(.revoke)?.hold == nil)
        #expect(decide(.notify)?.hold == nil)
        token.extras["user_id"] = "1"
        #expect(decide(.rotate)?.hold == nil)
    }

    @Test func theMissingCredentialMessageSaysWhoOwnsItWhoSignsInAndWhatToAdd() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)  // a fixed instant: Core tests never read the wall clock
        let token = Token(
            provider: "awx", id: "5", name: "ci", owner: "carol", state: .active, firstSeenAt: now, lastSeenAt: now,
            extras: ["user_id": "9"])
        let message = Self.signers.missingCredential(for: token)
        #expect(message.contains("belongs to carol"))
        #expect(message.contains("signs in to awx as admin (id 1)"))
        #expect(message.contains("[[provider.owner]] name = \"carol\""))
    }
}

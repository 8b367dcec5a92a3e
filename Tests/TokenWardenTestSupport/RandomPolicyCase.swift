import Foundation
import TokenWardenCore

/// A generated inventory and policy for tests that check two evaluations of one policy agree:
/// timestamps on and a millisecond either side of every rule's boundaries, names SQLite's GLOB reads
/// otherwise than fnmatch(3), owners, scopes, every token state, own credentials and tight budgets.
public struct RandomPolicyCase: Sendable {
    /// Not on a whole millisecond, so rounding to the store's precision is exercised.
    public static let now = Date(timeIntervalSince1970: 1_800_000_000.123_456_7)

    public let seed: UInt64
    public let providers: [ProviderConfig]
    public let tokens: [Token]
    public let rules: [Rule]
    public let protected: Set<String>
    /// Whose tokens may be rotated: an owner credential on awx, a learned identity on sp (matched by
    /// owner id where a token has one, else by name), none on cl.
    public let signers: RotationSigners
    public let budget: ActionBudget

    static let spans: [TimeSpan] = [.days(7), .days(30), .hours(1), .days(365)]
    static let names = ["ci-build-1", "ci-deploy", "deploy-bot", "backup-7", "x?y", "xay", "[a]", "a", "bot", "robot-été", "b\\c", "ci-*", "ébot"]
    static let nameGlobs = ["ci-*", "*bot*", "x?y", "[a-c]*", "[!a]*", "*é*", "ci-\\*", "?", "b\\\\c", "?bot", "*"]
    static let owners: [String?] = [nil, "alice", "bob-ops", "ops-é"]
    static let ownerGlobs = ["*ops*", "alice", "[ab]*"]
    static let scopes = ["read", "write", "admin", "a\"b"]

    public init(seed: UInt64, tokenCount: Int = 300) {
        self.seed = seed
        var random = SeededGenerator(seed: seed)
        providers = [
            ProviderConfig(
                id: "awx", kind: .awx, baseURL: "https://awx", credential: .systemd(name: "a"),
                maxActionsPerCycle: Bool.random(using: &random) ? 2 : nil,
                owners: [OwnerCredential(name: "alice", credential: .systemd(name: "a-alice"))]),
            ProviderConfig(id: "cl", kind: .cryptlex, baseURL: "https://cl", credential: .systemd(name: "c")),
            ProviderConfig(id: "pc", kind: .planningCenter, baseURL: "https://pc", credential: .systemd(name: "p")),
            ProviderConfig(id: "sp", kind: .sailPoint, baseURL: "https://sp", credential: .systemd(name: "s")),
        ]
        func date(_ random: inout SeededGenerator) -> Date? {
            switch Int.random(in: 0..<10, using: &random) {
            case 0, 1: return nil
            case 2, 3, 4: return Self.now.addingTimeInterval(Double.random(in: -800...800, using: &random) * 86_400)
            default:
                // On a boundary of some span, give or take a millisecond or a fraction of one.
                let span = Self.spans.randomElement(using: &random)!.timeInterval * (Bool.random(using: &random) ? 1 : -1)
                let jitter = [0, 0.001, -0.001, 0.000_4, -0.000_6, 0.002].randomElement(using: &random)!
                return Self.now.addingTimeInterval([0, span].randomElement(using: &random)! + jitter)
            }
        }
        var tokens: [Token] = []
        for index in 0..<tokenCount {
            let provider = providers.randomElement(using: &random)!
            let id = index.isMultiple(of: 3) ? "\(index)" : "token-\(index)-\(String(repeating: "f", count: 24))"
            let state: TokenState = [.active, .active, .active, .expired, .expired, .revoked, .gone].randomElement(using: &random)!
            let owner = Self.owners.randomElement(using: &random)!
            let extras = owner.map { Int.random(in: 0..<3, using: &random) == 0 ? ["owner_id": "id-\($0)"] : [:] } ?? [:]
            tokens.append(
                Token(
                    provider: provider.id, id: id, name: Self.names.randomElement(using: &random)!,
                    owner: owner,
                    scopes: Self.scopes.filter { _ in Int.random(in: 0..<3, using: &random) == 0 },
                    createdAt: date(&random), expiresAt: date(&random), lastUsedAt: date(&random),
                    revoked: state == .revoked, state: state, firstSeenAt: Self.now, lastSeenAt: Self.now, extras: extras))
            // Every seventh token a rotation's successor: named with a marker, its lineage's name kept
            // apart, which name patterns match too (without drawing from `random`, so seeds keep their cases).
            if index % 7 == 3 {
                let base = Self.names[index % Self.names.count]
                tokens[index].baseName = base
                tokens[index].successorOf = "predecessor-\(index)"
                tokens[index].name = SuccessorName.make(base: base, on: Self.now, maxLength: 128, taken: [])
            }
        }
        self.tokens = tokens
        func trigger(_ random: inout SeededGenerator) -> Trigger {
            let span = Self.spans.randomElement(using: &random)!
            return [.expiresWithin(span), .expired, .unusedFor(span), .ageOver(span)].randomElement(using: &random)!
        }
        rules = (0..<Int.random(in: 1...8, using: &random)).map { index in
            let chance = { (percent: Int, random: inout SeededGenerator) in Int.random(in: 0..<100, using: &random) < percent }
            let match = TokenMatch(
                providers: chance(25, &random) ? ["awx", "cl", "pc", "sp"].filter { _ in Bool.random(using: &random) } : [],
                names: chance(40, &random)
                    ? (0..<Int.random(in: 1...2, using: &random)).map { _ in Glob(Self.nameGlobs.randomElement(using: &random)!) } : [],
                owners: chance(20, &random) ? [Glob(Self.ownerGlobs.randomElement(using: &random)!)] : [],
                scopes: chance(20, &random) ? [Self.scopes.randomElement(using: &random)!] : [])
            return Rule(
                name: "rule-\(index)", sourceFile: "10.toml", match: match,
                triggers: (0..<Int.random(in: 1...2, using: &random)).map { _ in trigger(&random) },
                action: RuleAction.allCases.randomElement(using: &random)!)
        }
        signers = RotationSigners(providers: providers, identities: ["sp": ProviderIdentity(id: "id-alice", name: "bob-ops")])
        protected = Set((0..<2).map { _ in tokens.randomElement(using: &random)!.reference } + ["sp/not-in-the-store"])
        budget = ActionBudget(
            settings: DaemonSettings(
                stateDirectory: "/s", policyDirectory: "/p",
                maxActionsPerCycle: Int.random(in: 0...6, using: &random)),
            providers: providers)
    }
}

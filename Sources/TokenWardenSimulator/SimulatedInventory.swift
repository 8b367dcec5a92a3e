import Foundation
import TokenWardenCore

/// Realistic, reproducible token sets for the simulated providers: mixed expiries, never-used tokens,
/// revoked Cryptlex tokens, AWX's thousand-year expiries. The same seed always gives the same tokens.
public enum SimulatedInventory {
    static let purposes = [
        "ci-build", "ci-release", "deploy-bot", "backup", "monitoring", "terraform",
        "grafana", "sync-job", "reporting", "migration",
    ]
    static let owners = ["alice", "bob", "carol", "dave", "erin", "frank"]
    static let day: TimeInterval = 86_400

    /// `count` tokens as `kind`'s API would list them at `now`. Every instant is a whole second, as
    /// providers store them, so each API's rendering (whole seconds to 7 fraction digits) loses nothing.
    public static func tokens(kind: ProviderKind, count: Int, seed: UInt64, now: Date) -> [ObservedToken] {
        var random = SeededGenerator(seed: seed ^ UInt64(truncatingIfNeeded: kind.rawValue.hashValueStable))
        return (0..<count).map { index in
            var token = token(kind: kind, index: index, now: now, random: &random)
            token.createdAt = token.createdAt.map(wholeSecond)
            token.expiresAt = token.expiresAt.map(wholeSecond)
            token.lastUsedAt = token.lastUsedAt.map(wholeSecond)
            return token
        }
    }

    private static func wholeSecond(_ date: Date) -> Date { Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)) }

    private static func token(kind: ProviderKind, index: Int, now: Date, random: inout SeededGenerator) -> ObservedToken {
        let name = "\(purposes[index % purposes.count])-\(index / purposes.count + 1)"
        // Whole seconds, like most providers send.
        let created = Date(timeIntervalSince1970: (now.timeIntervalSince1970 - Double.random(in: 1...900, using: &random) * day).rounded(.down))
        let owner = owners[Int.random(in: 0..<owners.count, using: &random)]
        let roll = Double.random(in: 0..<1, using: &random)
        switch kind {
        case .planningCenter:
            return ObservedToken(id: String(400_000 + index), name: name)
        case .sailPoint:
            // v3 expiries are at most six months after creation; newer API versions allow "never" (nil).
            let expires = roll < 0.1 ? nil : created.addingTimeInterval(Double.random(in: 30...183, using: &random) * day)
            return ObservedToken(
                id: hex(&random, digits: 32), name: name, owner: owner, scopes: ["sp:scopes:all"],
                createdAt: created, expiresAt: expires, lastUsedAt: lastUsed(created: created, now: now, dayGranular: true, random: &random),
                extras: ["managed": roll > 0.95 ? "true" : "false"])
        case .cryptlex:
            let expires = roll < 0.4 ? nil : created.addingTimeInterval(Double.random(in: 30...730, using: &random) * day)
            return ObservedToken(
                id: uuid(&random), name: name, owner: "u-\(owner)", scopes: ["license:read", "release:write"],
                createdAt: created, expiresAt: expires, lastUsedAt: lastUsed(created: created, now: now, dayGranular: false, random: &random),
                revoked: Double.random(in: 0..<1, using: &random) < 0.1)
        case .synergy:
            let expires = created.addingTimeInterval(Double.random(in: 1...180, using: &random) * day)
            let reminder = expires <= now ? "2" : (expires.timeIntervalSince(now) <= 7 * day ? "1" : "0")
            return ObservedToken(
                id: String(index + 1), name: name, owner: "1_1", createdAt: created, expiresAt: expires,
                extras: ["ExpiryReminderState": reminder])
        case .awx, .aap:
            // AWX's default expiry is a thousand years; a tenth of tokens come from a lowered setting.
            let lifetime = roll < 0.1 ? Double.random(in: 1...400, using: &random) * day : 31_536_000_000
            // Only the AAP gateway reports last use.
            let used = kind == .aap ? lastUsed(created: created, now: now, dayGranular: false, random: &random) : nil
            return ObservedToken(
                id: String(index + 1), name: name, owner: owner, scopes: [roll < 0.5 ? "read" : "write"],
                createdAt: created, expiresAt: created.addingTimeInterval(lifetime), lastUsedAt: used)
        }
    }

    /// A fifth of tokens were never used; the rest last sometime between creation and now.
    private static func lastUsed(created: Date, now: Date, dayGranular: Bool, random: inout SeededGenerator) -> Date? {
        guard Double.random(in: 0..<1, using: &random) >= 0.2 else { return nil }
        let used = Double.random(in: created.timeIntervalSince1970...now.timeIntervalSince1970, using: &random)
        // SailPoint updates lastUsed at most once a day and reports it at midnight UTC.
        return Date(timeIntervalSince1970: dayGranular ? (used / day).rounded(.down) * day : used.rounded(.down))
    }

    private static func hex(_ random: inout SeededGenerator, digits: Int) -> String {
        (0..<digits).map { _ in String(Int.random(in: 0..<16, using: &random), radix: 16) }.joined()
    }

    private static func uuid(_ random: inout SeededGenerator) -> String {
        let text = hex(&random, digits: 32)
        let parts = [8, 4, 4, 4, 12].reduce(into: (parts: [String](), rest: Substring(text))) { state, length in
            state.parts.append(String(state.rest.prefix(length)))
            state.rest = state.rest.dropFirst(length)
        }.parts
        return parts.joined(separator: "-")
    }
}

extension String {
    /// FNV-1a of the UTF-8 bytes: stable across runs, unlike `hashValue`.
    var hashValueStable: UInt64 {
        utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}

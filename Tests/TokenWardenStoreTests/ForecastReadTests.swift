import Foundation
import Testing
import TokenWardenCore
import TokenWardenTestSupport

@testable import TokenWardenStore

/// The forecast reads only the tokens whose facts fall in its windows: it must come out the same
/// as over every live token.
extension TokenStoreTests {
    @Test(arguments: [1, 2, 3])
    func aForecastOverTheWindowedReadEqualsOneOverEveryLiveToken(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let store = try store()
        let day: TimeInterval = 86_400
        let tokens = (0..<600).map { index -> ObservedToken in
            let created = Self.t0 - Double(random.next() % 700) * day
            return ObservedToken(
                id: String(index), name: ["ci-\(index)", "deploy-\(index)", "svc-\(index)"][Int(random.next() % 3)],
                createdAt: created, expiresAt: random.next() % 4 == 0 ? nil : created + Double(30 + random.next() % 500) * day,
                lastUsedAt: random.next() % 2 == 0 ? nil : Self.t0 - Double(random.next() % 300) * day)
        }
        try store.recordObservations(tokens, provider: "sp", at: Self.t0)
        var warn = Rule(name: "warn", sourceFile: "10.toml", triggers: [.expiresWithin(.days(30))], action: .notify)
        warn.leadTimes = [.days(30), .days(7)]
        let rules = [
            warn,
            Rule(name: "old", sourceFile: "10.toml", match: TokenMatch(names: [Glob("ci-*")]), triggers: [.ageOver(.days(365))], action: .revoke),
            Rule(name: "idle", sourceFile: "10.toml", triggers: [.unusedFor(.days(180))], action: .revoke),
            Rule(name: "soon", sourceFile: "10.toml", triggers: [.expiresWithin(.days(14))], action: .rotate, delivery: .file(path: "/t")),
        ]
        let providers = [ProviderConfig(id: "sp", kind: .sailPoint, baseURL: "https://sp", credential: .systemd(name: "s"))]
        func forecast(windowed: Bool) throws -> [String] {
            var forecast = Forecast(weeks: 12, now: Self.t0, timeZone: TimeZone(identifier: "UTC")!)
            let add = { (batch: [Token]) in forecast.add(batch, rules: rules, providers: providers) }
            if windowed {
                try store.forEachBatch(in: forecast.windows(rules: rules), add)
            } else {
                try store.forEachBatch(matching: TokenQuery(states: [.active, .expired]), at: Self.t0, add)
            }
            forecast.sort()
            return forecast.weeks.map { week in
                "\(week.day): \(week.expiring.map(\.reference)) \(week.actions.map { "\($0.reference) \($0.action)" }) \(week.notices.count)"
            }
        }
        let everything = try forecast(windowed: false)
        #expect(everything.contains { !$0.hasSuffix("[] [] 0") }, "the example brings something into the horizon")
        #expect(try forecast(windowed: true) == everything)
    }
}

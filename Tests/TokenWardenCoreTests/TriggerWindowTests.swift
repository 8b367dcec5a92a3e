import Foundation
import Testing

@testable import TokenWardenCore

@Suite struct TriggerWindowTests {
    /// What the store's SQL makes of a window, for one token's stored milliseconds.
    static func selects(_ window: TriggerWindow, created: Int64?, expires: Int64?, used: Int64?) -> Bool {
        switch window {
        case .never: false
        case .expires(let range): expires.map(range.contains) ?? false
        case .createdAtOrBefore(let bound): created.map { $0 <= bound } ?? false
        case .unused(let lastUsed, let neverUsedCreated): used.map { $0 <= lastUsed } ?? created.map { $0 <= neverUsedCreated } ?? false
        }
    }

    static let triggers: [Trigger] = [
        .expiresWithin(.days(7)), .expiresWithin(.minutes(1)), .expired, .unusedFor(.days(30)),
        .unusedFor(.hours(1)), .ageOver(.days(90)), .ageOver(.minutes(1)),
    ]
    /// Moments on, just past and just before whole milliseconds.
    static let moments: [Date] = [0, 0.000_4, 0.000_5, 0.000_6, 0.999_9, 0.123_456_789].map { Date(timeIntervalSince1970: 1_800_000_000 + $0) }

    @Test(arguments: triggers)
    func aWindowSelectsExactlyTheTimestampsTheEngineFiresOn(_ trigger: Trigger) {
        for now in Self.moments {
            for kind in [ProviderKind.sailPoint, .awx, .planningCenter] {
                let window = PolicyEngine.window(of: trigger, kind: kind, now: now)
                let nowMS = now.millisecondsSince1970
                let spans: [Int64] = [0, 7 * 86_400_000, 60_000, 30 * 86_400_000, 3_600_000, 90 * 86_400_000]
                var probes: [Int64] = [nowMS - 400 * 86_400_000, nowMS + 400 * 86_400_000]
                for span in spans {
                    for edge in [nowMS - span, nowMS + span] { probes += (-3...3).map { edge + Int64($0) } }
                }
                for probe in probes {
                    for (created, expires, used) in [(nil, probe, nil), (probe, nil, nil), (nowMS, nil, probe), (probe, nil, probe - 1)]
                        as [(Int64?, Int64?, Int64?)]
                    {
                        let token = Token(
                            provider: "p", id: "1", name: "n", createdAt: created.map(Date.init(millisecondsSince1970:)),
                            expiresAt: expires.map(Date.init(millisecondsSince1970:)),
                            lastUsedAt: used.map(Date.init(millisecondsSince1970:)), state: .active, firstSeenAt: now, lastSeenAt: now)
                        let fires = PolicyEngine.reason(trigger, token: token, kind: kind, now: now, words: false) != nil
                        #expect(
                            Self.selects(window, created: created, expires: expires, used: used) == fires,
                            Comment(
                                rawValue: "\(trigger) on \(kind) at \(now.timeIntervalSince1970): created "
                                    + "\(String(describing: created)), expires \(String(describing: expires)), used \(String(describing: used))")
                        )
                    }
                }
            }
        }
    }

    @Test func unusedForNeverFiresWhereTheProviderDoesNotReportLastUse() {
        #expect(PolicyEngine.window(of: .unusedFor(.days(30)), kind: .awx, now: Date(timeIntervalSince1970: 1_800_000_000)) == .never)
    }
}

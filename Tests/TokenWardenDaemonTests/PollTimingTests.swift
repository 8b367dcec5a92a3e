import Foundation
import Testing
import TokenWardenCore

@testable import TokenWardenDaemon

/// When a provider is polled next, as a table.
@Suite struct PollTimingTests {
    static func timing(_ intervals: [Int64], daemon: Int64 = 900) -> PollTiming {
        let providers = intervals.enumerated().map { index, seconds in
            ProviderConfig(
                id: "p\(index)", kind: .awx, baseURL: "https://awx.example.com", credential: .systemd(name: "p\(index)"),
                pollInterval: TimeSpan(seconds: seconds))
        }
        let daemon = DaemonSettings(
            stateDirectory: "/var/lib/tokenwarden", policyDirectory: "/etc/tokenwarden/policies.d", pollInterval: TimeSpan(seconds: daemon))
        return PollTiming(configuration: Configuration(sourcePath: "/etc/tokenwarden/tokenwarden.toml", daemon: daemon, providers: providers))
    }

    @Test(
        arguments: [
            ([60, 600], 15.0),  // a quarter of the shortest
            ([3_600], 60),  // at most a minute
            ([2], 1),  // at least a second
        ] as [([Int64], Double)])
    func theFirstPollsSpreadOverAQuarterOfTheShortestInterval(intervals: [Int64], spread: Double) {
        #expect(Self.timing(intervals).spread == spread)
    }

    @Test(
        arguments: [
            (0, nil, 1.0, 60.0),  // its interval
            (0, nil, 1.1, 66),  // with jitter
            (1, nil, 1.0, 120),  // doubled per failure
            (2, nil, 1.0, 240),
            (3, nil, 1.0, 480),
            (9, nil, 1.0, 480),  // at most 8×
            (0, 10, 1.0, 11),  // an overlap ending in 10 s: a second after it
            (0, -5, 1.0, 1),  // already ended: in a second
            (3, 1_000, 1.0, 480),  // an overlap later than the regular poll changes nothing
        ] as [(Int, Double?, Double, Double)])
    func afterACycleAProviderWaitsItsIntervalBackedOffOrUntilAnOverlapEnds(failures: Int, overlapIn: Double?, jitter: Double, delay: Double) {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let waited = Self.timing([60]).afterCycle(
            "p0", failures: failures, overlapEnds: overlapIn.map { now.addingTimeInterval($0) }, now: now, jitter: jitter)
        #expect(abs(waited - delay) < 1e-9, "\(waited)")
    }
}

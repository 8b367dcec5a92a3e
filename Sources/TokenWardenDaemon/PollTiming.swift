import Foundation
import TokenWardenCore

/// When each provider is polled: arithmetic only, over the configuration in effect. The first polls
/// of a start or reload are spread over a window; after a cycle a provider waits its interval
/// (±10%), doubled per failed poll up to 8×, or less when a rotation's overlap ends sooner.
struct PollTiming: Sendable {
    let configuration: Configuration

    /// The first-poll window: a quarter of the shortest interval, at least a second, at most a minute.
    var spread: TimeInterval {
        let shortest = configuration.providers.map(interval(of:)).min() ?? 60
        return TimeInterval(min(60, max(1, Int64(shortest) / 4)))
    }

    func interval(of provider: ProviderConfig) -> TimeInterval {
        (provider.pollInterval ?? configuration.daemon.pollInterval).timeInterval
    }

    /// Seconds from `now` to `provider`'s next poll after a cycle. `jitter` is in 0.9...1.1;
    /// `overlapEnds` is when its first delivered rotation may revoke the old token (polled a second later).
    func afterCycle(_ provider: String, failures: Int, overlapEnds: Date?, now: Date, jitter: Double) -> TimeInterval {
        let regular = (configuration.provider(id: provider).map(interval(of:)) ?? 60) * Double(1 << min(3, max(0, failures))) * jitter
        guard let overlapEnds else { return regular }
        return min(regular, max(1, overlapEnds.timeIntervalSince(now) + 1))
    }
}

import CSystemd
import Foundation

/// Sends service state to systemd (`READY=1`, `STATUS=…`, …) through libsystemd's `sd_notify`.
/// Outside systemd (`$NOTIFY_SOCKET` unset) every call is a no-op, so the CLI can share the code path.
public struct SystemdNotifier: Sendable {
    /// Why systemd could not be told.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let errno: Int32
        public var description: String { "sd_notify failed with errno \(errno)" }
    }

    public init() {}

    /// Sends newline-separated `KEY=VALUE` assignments. Returns false when not running under systemd.
    @discardableResult
    public func notify(_ assignments: [(String, String)]) throws(Failure) -> Bool {
        let message = assignments.map { "\($0.0)=\($0.1)" }.joined(separator: "\n")
        let result = sd_notify(0, message)
        if result < 0 { throw Failure(errno: -result) }
        return result > 0
    }

    /// `STATUS=…`: the one-line status `systemctl status` shows.
    @discardableResult
    public func status(_ text: String) throws(Failure) -> Bool {
        try notify([("STATUS", Self.oneLine(text))])
    }

    /// `STATUS=` is one line: a newline would end the assignment.
    public static func oneLine(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: " ") }

    /// `CLOCK_MONOTONIC` in microseconds: what `MONOTONIC_USEC=` beside `RELOADING=1` carries.
    public static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}

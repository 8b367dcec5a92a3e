import Foundation

/// An admin's word that a token is to be left alone: `tokenwarden snooze` (until a date) or
/// `tokenwarden exempt` (until `unsnooze`). While it holds, policy sends no notification about the
/// token and neither revokes nor rotates it; `plan` lists what it held back.
public struct Suspension: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case snooze, exempt
    }

    public var kind: Kind
    /// When a snooze ends; nil for an exemption.
    public var until: Date?
    public var reason: String
    /// Who set it: the process's user and uid, and the user behind `sudo` when root ran it through
    /// sudo and `SUDO_USER`/`SUDO_UID` match the password file.
    public var by: String
    /// The real uid of the process that set it (what the kernel says, whatever the environment says).
    public var byUID: UInt32?
    public var at: Date

    public init(kind: Kind, until: Date?, reason: String, by: String, byUID: UInt32? = nil, at: Date) {
        self.kind = kind
        self.until = until
        self.reason = reason
        self.by = by
        self.byUID = byUID
        self.at = at
    }

    /// Whether it still holds at `now`: an exemption always does, a snooze until its date.
    public func holds(at now: Date) -> Bool {
        until.map { now < $0 } ?? true
    }

    /// "snoozed until 2026-12-24 by alice: waiting for the vendor", "exempt (by alice, 2026-12-02): break-glass token".
    public var description: String {
        switch kind {
        case .snooze:
            "snoozed until \(until.map(ProviderTimestamp.format) ?? "?") by \(by): \(reason)"
        case .exempt:
            "exempt (by \(by), \(ProviderTimestamp.formatDay(at))): \(reason)"
        }
    }
}

import Foundation

extension Token {
    /// A token first seen in a listing at `now`. Its facts are kept to the millisecond.
    public init(provider: String, observed: ObservedToken, seenAt now: Date) {
        self.init(
            provider: provider, id: observed.id, name: observed.name, owner: observed.owner,
            scopes: observed.scopes, createdAt: observed.createdAt?.atMillisecondPrecision,
            expiresAt: observed.expiresAt?.atMillisecondPrecision, lastUsedAt: observed.lastUsedAt?.atMillisecondPrecision,
            revoked: observed.revoked, state: observed.state(at: now), firstSeenAt: now.atMillisecondPrecision,
            lastSeenAt: now.atMillisecondPrecision, extras: observed.extras)
    }

    /// One fact that differs between the inventory and a new observation, in words for the history.
    public struct Change: Sendable, Hashable, CustomStringConvertible {
        public let field: String
        public let old: String
        public let new: String
        public var description: String { "\(field) \(old) → \(new)" }
    }

    /// Takes in a new observation seen at `now`, returning what changed (empty when only `lastSeenAt` moved).
    public mutating func absorb(_ observed: ObservedToken, seenAt now: Date) -> [Change] {
        var changes: [Change] = []
        func track<Value: Equatable>(
            _ field: String, _ keyPath: WritableKeyPath<Token, Value>, _ new: Value,
            _ render: (Value) -> String
        ) {
            let old = self[keyPath: keyPath]
            guard old != new else { return }
            changes.append(Change(field: field, old: render(old), new: render(new)))
            self[keyPath: keyPath] = new
        }
        let date: (Date?) -> String = { $0.map(ProviderTimestamp.format) ?? "none" }
        track("name", \.name, observed.name) { "\"\($0)\"" }
        track("owner", \.owner, observed.owner) { $0 ?? "none" }
        track("scopes", \.scopes, observed.scopes) { $0.isEmpty ? "none" : $0.joined(separator: ",") }
        // Compared at the precision kept: sub-millisecond digits (AWX, .NET) are not a change.
        track("created_at", \.createdAt, observed.createdAt?.atMillisecondPrecision, date)
        track("expires_at", \.expiresAt, observed.expiresAt?.atMillisecondPrecision, date)
        track("last_used_at", \.lastUsedAt, observed.lastUsedAt?.atMillisecondPrecision, date)
        track("revoked", \.revoked, observed.revoked) { String($0) }
        track("state", \.state, observed.state(at: now)) { $0.rawValue }
        track("extras", \.extras, observed.extras) { $0.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") }
        lastSeenAt = now.atMillisecondPrecision
        return changes
    }
}

import Foundation

extension Token {
    /// A token first seen in a listing at `now`.
    public init(provider: String, observed: ObservedToken, seenAt now: Date) {
        self.init(provider: provider, id: observed.id, name: observed.name, owner: observed.owner,
                  scopes: observed.scopes, createdAt: observed.createdAt, expiresAt: observed.expiresAt,
                  lastUsedAt: observed.lastUsedAt, revoked: observed.revoked, state: observed.state(at: now),
                  firstSeenAt: now, lastSeenAt: now, extras: observed.extras)
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
        func track<Value: Equatable>(_ field: String, _ keyPath: WritableKeyPath<Token, Value>, _ new: Value,
                                     _ render: (Value) -> String) {
            let old = self[keyPath: keyPath]
            guard old != new else { return }
            changes.append(Change(field: field, old: render(old), new: render(new)))
            self[keyPath: keyPath] = new
        }
        let date: (Date?) -> String = { $0.map(ProviderTimestamp.format) ?? "none" }
        track("name", \.name, observed.name) { "\"\($0)\"" }
        track("owner", \.owner, observed.owner) { $0 ?? "none" }
        track("scopes", \.scopes, observed.scopes) { $0.isEmpty ? "none" : $0.joined(separator: ",") }
        track("created_at", \.createdAt, observed.createdAt, date)
        track("expires_at", \.expiresAt, observed.expiresAt, date)
        track("last_used_at", \.lastUsedAt, observed.lastUsedAt, date)
        track("revoked", \.revoked, observed.revoked) { String($0) }
        track("state", \.state, observed.state(at: now)) { $0.rawValue }
        track("extras", \.extras, observed.extras) { $0.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") }
        lastSeenAt = now
        return changes
    }
}

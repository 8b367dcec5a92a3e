import TokenWardenCore

/// One injected misbehaviour of a simulated provider, written `KIND:FAULT[=VALUE][*COUNT]` on the
/// command line (`awx:status=503*2`, `sailpoint:rate-limit=1*1`, `cryptlex:loop`).
/// Request faults hit listing requests (`slow-create`, create requests); without `*COUNT` a fault never wears off.
public struct SimulatorFault: Sendable, Hashable, CustomStringConvertible {
    public enum Behaviour: Sendable, Hashable {
        /// 429 with `Retry-After: seconds`.
        case rateLimit(retryAfter: Int)
        /// An error status such as 500 or 503, with the provider's error body.
        case status(Int)
        /// The answer comes after this many seconds (longer than the client's timeout: a timeout).
        case slow(seconds: Double)
        /// The connection closes half-way through the body.
        case truncated
        /// A 200 whose body is not valid JSON.
        case malformed
        /// The last page's `next` points back to the first page, forever.
        case paginationLoop
        /// Every page after the first repeats a token of the previous page.
        case duplicates
        /// Cryptlex: the pages never end; each one past the inventory holds a page of new tokens.
        case endlessPages
        /// Deletes and revokes answer 404 (the token is removed all the same).
        case missingOnDelete
        /// SailPoint: the next API call answers 401 "JWT expired", forcing a new access token.
        case expiredSession
        /// A create is held this many seconds before the provider makes the token and answers; it is
        /// made even when the client has given up or gone (a real server finishes what it started).
        case slowCreate(seconds: Double)
        /// Cryptlex: a create answers 2xx without the new token's value (its field is undocumented).
        case createWithoutSecret
        /// AWX/AAP: a create makes the token for another user than the one who signed in (what
        /// `tokenwarden rehearse` must catch before any rotation relies on it).
        case createForAnotherUser
        /// A create answers with a token whose secret never signs in (what tokenwarden must catch
        /// before it relies on a successor of its own credential).
        case createUnusable
    }

    public var provider: ProviderKind
    public var behaviour: Behaviour
    /// How many requests it affects; nil for all of them.
    public var count: Int?

    public init(provider: ProviderKind, behaviour: Behaviour, count: Int? = nil) {
        self.provider = provider
        self.behaviour = behaviour
        self.count = count
    }

    static let names = [
        "rate-limit", "status", "slow", "truncated", "malformed", "loop", "duplicates", "missing-on-delete", "expired-session", "slow-create",
        "no-secret", "other-owner", "endless", "unusable-create",
    ]

    /// Why a fault spec was refused.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public init(parsing spec: String) throws(ParseError) {
        let usage = "write KIND:FAULT[=VALUE][*COUNT], e.g. awx:status=503*2; faults: \(Self.names.joined(separator: ", "))"
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let kind = ProviderKind(rawValue: parts[0]) else {
            throw ParseError(description: "fault \"\(spec)\": unknown provider kind; \(usage)")
        }
        var rest = parts[1]
        var count: Int?
        if let star = rest.firstIndex(of: "*") {
            guard let n = Int(rest[rest.index(after: star)...]), n > 0 else {
                throw ParseError(description: "fault \"\(spec)\": COUNT must be a positive number")
            }
            count = n
            rest = String(rest[..<star])
        }
        let nameAndValue = rest.split(separator: "=", maxSplits: 1).map(String.init)
        let value = nameAndValue.count == 2 ? nameAndValue[1] : nil
        let behaviour: Behaviour
        switch nameAndValue.first ?? "" {
        case "rate-limit": behaviour = .rateLimit(retryAfter: value.flatMap(Int.init) ?? 1)
        case "status":
            guard let code = value.flatMap(Int.init), (400...599).contains(code) else {
                throw ParseError(description: "fault \"\(spec)\": status needs a code, e.g. status=503")
            }
            behaviour = .status(code)
        case "slow": behaviour = .slow(seconds: value.flatMap(Double.init) ?? 5)
        case "truncated": behaviour = .truncated
        case "malformed": behaviour = .malformed
        case "loop": behaviour = .paginationLoop
        case "duplicates": behaviour = .duplicates
        case "missing-on-delete": behaviour = .missingOnDelete
        case "expired-session": behaviour = .expiredSession
        case "slow-create": behaviour = .slowCreate(seconds: value.flatMap(Double.init) ?? 5)
        case "no-secret": behaviour = .createWithoutSecret
        case "other-owner": behaviour = .createForAnotherUser
        case "endless": behaviour = .endlessPages
        case "unusable-create": behaviour = .createUnusable
        default: throw ParseError(description: "fault \"\(spec)\": unknown fault; \(usage)")
        }
        self.init(provider: kind, behaviour: behaviour, count: count)
    }

    public var description: String {
        let body: String =
            switch behaviour {
            case .rateLimit(let seconds): "rate-limit=\(seconds)"
            case .status(let code): "status=\(code)"
            case .slow(let seconds): "slow=\(seconds)"
            case .truncated: "truncated"
            case .malformed: "malformed"
            case .paginationLoop: "loop"
            case .duplicates: "duplicates"
            case .missingOnDelete: "missing-on-delete"
            case .expiredSession: "expired-session"
            case .slowCreate(let seconds): "slow-create=\(seconds)"
            case .createWithoutSecret: "no-secret"
            case .createForAnotherUser: "other-owner"
            case .endlessPages: "endless"
            case .createUnusable: "unusable-create"
            }
        return "\(provider.rawValue):\(body)" + (count.map { "*\($0)" } ?? "")
    }
}

import Foundation
import TokenWardenCore

/// One simulated provider API: its tokens, its credential, its injected faults and what it was asked.
/// Each kind's routes live in `SimulatedProvider+<Kind>.swift`; state changes on create and revoke.
public actor SimulatedProvider {
    public let kind: ProviderKind
    /// The main credential's file content (`id:secret` or a bearer token): an admin account.
    public nonisolated let credential: String
    /// Every credential the API accepts, the main one first.
    public private(set) var accounts: [SimulatedAccount]
    /// Current tokens, in creation order (the listing order of every API here).
    public private(set) var tokens: [ObservedToken] { didSet { encodedItems.removeAll() } }
    /// Listing items already encoded, by token id, until the tokens change: encoding SailPoint's 250
    /// items a page took 5 ms, so the simulator, not tokenwarden, set the pace at the rate limit.
    private var encodedItems: [String: Data] = [:]
    var faults: [SimulatorFault]
    /// The documented request limit, when enforced (`--rate-limit`); without it the rate headers
    /// still go out, far from any limit.
    public private(set) var rateLimit: SimulatedRateLimit?
    /// Listing requests served, faults included.
    public internal(set) var listRequests = 0
    /// Create, revoke and delete requests that changed something: zero proves report-only wrote nothing.
    public private(set) var writes = 0
    /// DELETE requests answered, whatever their outcome: a revoke asked for at all.
    public private(set) var deleteRequests = 0
    /// The secret of every token created through the API, by token id, so tests can tell which token a
    /// delivered secret belongs to.
    public private(set) var issuedSecrets: [String: String] = [:]
    /// SailPoint access tokens handed out by `/oauth/token`, whom each signs in as, and the client
    /// credentials that got it: a session ends with its PAT (stricter than the tenant, whose access
    /// tokens live out their 12 hours, so a test sees at once who still signs in with a deleted PAT).
    var sessions: [String: (account: SimulatedAccount, presented: String)] = [:]
    var nextID: Int
    let now: @Sendable () -> Date

    init(
        kind: ProviderKind, tokens: [ObservedToken], credential: String, faults: [SimulatorFault], rateLimit: SimulatedRateLimit? = nil,
        now: @escaping @Sendable () -> Date
    ) {
        self.kind = kind
        self.rateLimit = rateLimit
        self.tokens = tokens
        self.credential = credential
        let main = SimulatedAccount.identity(of: SimulatedAccount.mainOwner(of: kind), kind: kind)
        accounts = [SimulatedAccount(credential: credential, ownerID: main.id, ownerName: main.name)]
        self.faults = faults.filter { $0.provider == kind }
        self.now = now
        nextID = tokens.count + 1
        if kind == .sailPoint, let clientID = credential.split(separator: ":").first {
            // A SailPoint credential is a PAT: the tenant's listing shows it, owned by whoever made it.
            self.tokens.append(
                ObservedToken(
                    id: String(clientID), name: "tokenwarden", owner: main.name, scopes: ["sp:scopes:all"],
                    createdAt: Self.wholeSecond(now()), extras: ["owner_id": main.id]))
        }
    }

    /// A credential of `owner` (a name as the seeded tokens list it), so tests can give tokenwarden
    /// an owner's credential; tokens created with it are that owner's. Returns the file content.
    public func addAccount(forOwner owner: String) -> String {
        let identity = SimulatedAccount.identity(of: owner, kind: kind)
        let secret = Self.randomSecret()
        let credential: String
        switch kind.credentialFormat {
        case .pair:
            let clientID = String(secret.prefix(32))
            credential = clientID + ":" + Self.randomSecret()
            if kind == .sailPoint {
                tokens.append(
                    ObservedToken(
                        id: clientID, name: "\(owner)-tokenwarden", owner: identity.name, scopes: ["sp:scopes:all"],
                        createdAt: Self.wholeSecond(now()), extras: ["owner_id": identity.id]))
            }
        case .bearer: credential = "sim-\(kind.rawValue)-\(owner)-" + secret
        }
        accounts.append(SimulatedAccount(credential: credential, ownerID: identity.id, ownerName: identity.name))
        return credential
    }

    /// The account a bearer `Authorization` header signs in as.
    func account(bearer authorization: String?) -> SimulatedAccount? {
        guard let authorization, authorization.hasPrefix("Bearer ") else { return nil }
        return account(presenting: String(authorization.dropFirst(7)))
    }

    /// The account a credential signs in as: one of `accounts`, or a live token created through the
    /// API (as at a real provider, a token it issued signs in as its owner until it is revoked).
    func account(presenting credential: String) -> SimulatedAccount? {
        if let account = accounts.first(where: { $0.credential == credential }) {
            // A SailPoint credential is a PAT (its client id): once deleted, it signs in no more.
            if kind == .sailPoint, let clientID = credential.split(separator: ":").first,
                !tokens.contains(where: { $0.id == clientID && !$0.revoked })
            {
                return nil
            }
            return account
        }
        guard let issued = issuedAccounts[credential], let index = tokens.firstIndex(where: { $0.id == issued.tokenID && !$0.revoked })
        else { return nil }
        // The gateway writes `last_used` at every successful validation (django-ansible-base,
        // OAuth2AccessToken.is_valid); SailPoint's is daily and AWX keeps but does not list it.
        if kind == .aap { tokens[index].lastUsedAt = Self.wholeSecond(now()) }
        return issued.account
    }

    /// Tokens created through the API, as credentials: the file content that signs in with each
    /// (`id:secret` at SailPoint, else the secret) and whom it signs in as.
    private var issuedAccounts: [String: (tokenID: String, account: SimulatedAccount)] = [:]

    /// Create requests received, answered or not (a test kills the client while one is held).
    public private(set) var createRequests = 0

    /// Counts a create request and says how long to hold it (`slow-create`), consuming one use.
    func createDelay(for request: SimulatedRequest) -> Double {
        guard request.isCreate(at: kind) else { return 0 }
        createRequests += 1
        guard case .slowCreate(let seconds)? = take(where: { if case .slowCreate = $0 { true } else { false } }) else { return 0 }
        return seconds
    }

    /// Adds a fault while running (tests use this between polls).
    public func inject(_ fault: SimulatorFault) { faults.append(fault) }

    /// Replaces the token set (tests seed exact payloads); SailPoint's own PATs of the accounts stay
    /// listed, as the tenant's listing always shows them.
    public func replaceTokens(_ tokens: [ObservedToken]) {
        let credentials = accountTokenIDs
        self.tokens = tokens + self.tokens.filter { credentials.contains($0.id) }
        nextID = (tokens.compactMap { Int($0.id) }.max() ?? tokens.count) + 1
    }

    /// Sets a listed token's creation and expiry (tests give tokenwarden's own SailPoint PAT one).
    public func setLifetime(of id: String, createdAt: Date, expiresAt: Date?) {
        guard let index = tokens.firstIndex(where: { $0.id == id }) else { return }
        tokens[index].createdAt = createdAt
        tokens[index].expiresAt = expiresAt
    }

    /// The ids of the tokens that are the accounts' credentials themselves (SailPoint's client ids).
    public var accountTokenIDs: Set<String> {
        kind == .sailPoint ? Set(accounts.compactMap { $0.credential.split(separator: ":").first.map(String.init) }) : []
    }

    /// Answers a request, first counting it against the enforced rate limit (SailPoint's token
    /// endpoint is not an API call the limit counts).
    func handle(_ request: SimulatedRequest) -> SimulatedResponse {
        if request.method == "DELETE" { deleteRequests += 1 }
        guard var limit = rateLimit, !(kind == .sailPoint && request.path == "/oauth/token") else { return route(request) }
        let verdict = limit.admit(at: now())
        rateLimit = limit
        var response = verdict.admitted ? route(request) : refusal(status: 429, "Rate limit exceeded")
        response.headers.removeAll { $0.0.hasPrefix("X-PCO-API-Request-Rate-") || $0.0.hasPrefix("X-Rate-Limit-") }
        response.headers += verdict.headers
        return response
    }

    /// An error in the provider's own error body.
    private func refusal(status: Int, _ text: String) -> SimulatedResponse {
        switch kind {
        case .planningCenter: Self.planningCenterError(status, text)
        case .sailPoint: Self.sailPointError(status, text)
        case .cryptlex: Self.cryptlexError(status, text)
        case .synergy, .awx, .aap: .json(status, ["detail": text])
        }
    }

    private func route(_ request: SimulatedRequest) -> SimulatedResponse {
        switch kind {
        case .planningCenter: planningCenter(request)
        case .sailPoint: sailPoint(request)
        case .cryptlex: cryptlex(request)
        case .synergy: synergy(request)
        case .awx: awx(request)
        case .aap: awx(request, gateway: true)
        }
    }

    // MARK: - State changes

    /// Removes a token; false if there was none with that id. With `missing-on-delete` the token is
    /// removed but the API answers as if it had not been there.
    func remove(id: String) -> Bool {
        let missing = active(.missingOnDelete)
        guard let index = tokens.firstIndex(where: { $0.id == id }) else { return false }
        tokens.remove(at: index)
        writes += 1
        return !missing
    }

    func markRevoked(id: String) -> ObservedToken? {
        if active(.missingOnDelete) { return nil }
        guard let index = tokens.firstIndex(where: { $0.id == id }) else { return nil }
        tokens[index].revoked = true
        writes += 1
        return tokens[index]
    }

    /// Adds a token created through the API and makes its secret (`prefix` + 40 hex digits).
    func issue(_ token: ObservedToken, secretPrefix: String = "") -> (token: ObservedToken, secret: String) {
        tokens.append(token)
        nextID += 1
        writes += 1
        let secret = secretPrefix + Self.randomSecret()
        issuedSecrets[token.id] = secret
        let owner = token.extras["owner_id"] ?? token.extras["user_id"] ?? SimulatedAccount.identity(of: token.owner ?? "", kind: kind).id
        if active(.createUnusable) { return (token, secret) }
        issuedAccounts[kind == .sailPoint ? "\(token.id):\(secret)" : secret] = (
            token.id, SimulatedAccount(credential: secret, ownerID: owner, ownerName: token.owner ?? owner)
        )
        return (token, secret)
    }

    /// The live (listed, not revoked) token whose secret this is, if any.
    public func liveToken(withSecret secret: String) -> ObservedToken? {
        guard let id = issuedSecrets.first(where: { $0.value == secret })?.key else { return nil }
        return tokens.first { $0.id == id && !$0.revoked }
    }

    static func wholeSecond(_ date: Date) -> Date { Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)) }

    static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<40).map { _ in String(Int.random(in: 0..<16, using: &generator), radix: 16) }.joined()
    }

    /// The page `[offset, offset + limit)`, with a token of the previous page repeated when the
    /// `duplicates` fault is active.
    func page(offset: Int, limit: Int) -> [ObservedToken] {
        let start = min(max(0, offset), tokens.count)
        var slice = Array(tokens[start..<min(tokens.count, start + max(0, limit))])
        if start > 0, !slice.isEmpty, active(.duplicates) { slice.insert(tokens[start - 1], at: 0) }
        return slice
    }

    /// A JSON array of listing items, each encoded once by `encode` while the tokens stay the same.
    func encodedArray<Item: Encodable>(_ tokens: [ObservedToken], _ encode: (ObservedToken) -> Item) -> SimulatedResponse {
        var body = Data("[".utf8)
        for (index, token) in tokens.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            if let known = encodedItems[token.id] {
                body.append(known)
            } else {
                let item = (try? SimulatedResponse.encoder.encode(encode(token))) ?? Data("null".utf8)
                encodedItems[token.id] = item
                body.append(item)
            }
        }
        body.append(UInt8(ascii: "]"))
        return SimulatedResponse(status: 200, body: body)
    }

    static func query(_ items: [(String, String)]) -> String {
        items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }.joined(separator: "&")
    }
}

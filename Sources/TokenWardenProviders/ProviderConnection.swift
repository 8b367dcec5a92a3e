import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TokenWardenCore
import TokenWardenJSON

/// Every HTTP exchange with one provider: authorization, pacing, retries, size caps, and errors an
/// admin can act on. Drivers describe requests; this decides when to retry and when to give up.
struct ProviderConnection: Sendable {
    let providerID: String
    let http: ProviderHTTPClient
    let authorizer: (any RequestAuthorizer)?
    let pacer: RatePacer
    /// Texts scrubbed from anything a server sends back into an error message.
    let secrets: [Secret]
    /// Where one listing is ended as incomplete.
    let listingLimits: ListingLimits

    /// `pacer`: one that also knows a documented limit (SailPoint's); by default one paced by rate
    /// headers only.
    init(
        providerID: String, http: ProviderHTTPClient, authorizer: (any RequestAuthorizer)?, pacer: RatePacer = RatePacer(), secrets: [Secret],
        listingLimits: ListingLimits = .standard
    ) {
        self.providerID = providerID
        self.listingLimits = listingLimits
        self.http = http
        self.authorizer = authorizer
        self.pacer = pacer
        self.secrets = secrets
    }

    /// A response whose status the caller accepted.
    struct Response: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let body: ByteBuffer

        var data: Data { Data(body.readableBytesView) }
    }

    /// Sends a request, retrying what is safe to retry: 429 (after `Retry-After`), and for idempotent
    /// methods 5xx, timeouts and dropped connections, with jittered backoff up to the policy's caps.
    /// Statuses in `accepting` come back to the caller; any other non-2xx becomes a `ProviderError`.
    /// `idempotent` defaults to every method but POST (12d Synergy deletes with a POST, and says so).
    func send(
        _ method: HTTPMethod, _ url: String, body: Data? = nil, contentType: String? = nil,
        accepting: Set<Int> = [], idempotent: Bool? = nil
    ) async throws(ProviderError) -> Response {
        let policy = http.policy
        let idempotent = idempotent ?? (method != .POST)
        let label = "\(method.rawValue) \(Self.path(of: url))"
        var waited = 0.0
        var refreshed = false
        var refreshNext = false
        var generator = SystemRandomNumberGenerator()
        var attempt = 0
        while true {
            attempt += 1
            await pacer.waitForTurn()
            var request = HTTPClientRequest(url: url)
            request.method = method
            request.headers.add(name: "Accept", value: "application/json")
            request.headers.add(name: "User-Agent", value: "tokenwarden")
            if let authorizer {
                request.headers.add(name: "Authorization", value: try await authorizer.authorization(refresh: refreshNext).reveal())
                refreshNext = false
            }
            if let body {
                request.headers.add(name: "Content-Type", value: contentType ?? "application/json")
                request.body = .bytes(ByteBuffer(bytes: body))
            }

            let retryDelay: Double
            let failure: ProviderError
            /// What this attempt ran into, in a few words, for the progress line.
            let cause: String
            do {
                let response = try await http.client.execute(request, timeout: .milliseconds(Int64(policy.requestTimeout * 1_000)))
                let collected = try await response.body.collect(upTo: policy.maximumBodyBytes)
                await pacer.observe(response.headers)
                let status = Int(response.status.code)
                if (200..<300).contains(status) || accepting.contains(status) {
                    return Response(status: status, headers: response.headers, body: collected)
                }
                let excerpt = excerpt(of: collected, authorization: request.headers.first(name: "Authorization"))
                switch status {
                case 401 where authorizer?.canRefresh == true && !refreshed:
                    refreshed = true
                    refreshNext = true
                    continue
                case 429:
                    let advised = response.headers.first(name: "Retry-After").flatMap { RetryAfter.delay(from: $0, now: Date()) }
                    retryDelay = advised ?? policy.backoff.delay(attempt: attempt - 1, using: &generator)
                    failure = error(
                        .rateLimited, "\(label) was rate-limited (429 Too Many Requests) \(attempt) times; giving up for this poll\(excerpt)")
                    cause = "\(label): rate-limited (429)"
                    await pacer.postpone(by: retryDelay)
                case 500...599 where idempotent:
                    retryDelay = policy.backoff.delay(attempt: attempt - 1, using: &generator)
                    failure = error(
                        .unavailable,
                        "\(label) failed with \(status) \(response.status.reasonPhrase) \(attempt) times; the provider seems unavailable, "
                            + "tokenwarden tries again next poll\(excerpt)"
                    )
                    cause = "\(label): \(status) \(response.status.reasonPhrase)"
                default:
                    throw Self.statusError(
                        status: status, reason: response.status.reasonPhrase, label: label, excerpt: excerpt,
                        location: response.headers.first(name: "Location"), provider: providerID)
                }
            } catch let failure as ProviderError {
                throw failure
            } catch is NIOTooManyBytesError {
                throw error(.responseTooLarge, "\(label) returned more than \(policy.maximumBodyBytes) bytes; refusing to read it")
            } catch let transport {
                let (kind, text, retryable) = Self.classify(transport, idempotent: idempotent, policy: policy)
                let place = "\(label) at \(Self.origin(of: url))"
                guard retryable else { throw error(kind, "\(place): \(text)") }
                retryDelay = policy.backoff.delay(attempt: attempt - 1, using: &generator)
                failure = error(kind, "\(place): \(text) (\(attempt) attempts)")
                cause = "\(place): " + (text.split(separator: ";").first.map(String.init) ?? text)
            }
            guard attempt < policy.maximumAttempts, policy.backoff.allows(waiting: retryDelay, after: waited) else { throw failure }
            http.progress?(
                "\(providerID): attempt \(attempt) of \(policy.maximumAttempts) failed (\(cause)); trying again in \(Self.seconds(retryDelay))")
            waited += retryDelay
            try? await Task.sleep(for: .milliseconds(Int64(retryDelay * 1_000)))
            if Task.isCancelled { throw error(.connection, "\(label): cancelled") }
        }
    }

    /// "8 s", "0.5 s".
    static func seconds(_ delay: Double) -> String {
        delay >= 10 ? "\(Int(delay.rounded())) s" : "\((delay * 10).rounded() / 10) s"
    }

    func error(_ kind: ProviderError.Kind, _ message: String) -> ProviderError {
        ProviderError(provider: providerID, kind: kind, message: message)
    }

    /// A request body: every body tokenwarden sends is an `Encodable` struct.
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        try JSONEncoder().encode(value)
    }

    /// Decodes a JSON body, or says what was unreadable (never echoing values: they may be secrets).
    func decode<T: Decodable>(_ type: T.Type, from response: Response, what: String) throws(ProviderError) -> T {
        try readable(what) { try JSONDecoder().decode(type, from: response.data) }
    }

    /// Reads a JSON body field by field with `JSONReader` (listing pages); errors as from `decode`.
    func read<T>(_ response: Response, what: String, _ read: (inout JSONReader) throws -> T) throws(ProviderError) -> T {
        try readable(what) { try JSONReader.read(Array(response.body.readableBytesView), read) }
    }

    /// `JSONReader.readLeadingField` on a response body; errors as from `decode`.
    func readLeadingField<T>(_ key: String, of response: Response, what: String, _ read: (inout JSONReader) throws -> T) throws(ProviderError) -> T? {
        try readable(what) { try JSONReader.readLeadingField(key, of: Array(response.body.readableBytesView), read) }
    }

    /// Runs a body reader, turning what it throws into the `malformedResponse` error of `what`.
    private func readable<T>(_ what: String, _ body: () throws -> T) throws(ProviderError) -> T {
        do {
            return try body()
        } catch {
            throw unreadable(error, what: what)
        }
    }

    private func unreadable(_ error: any Error, what: String) -> ProviderError {
        guard let decoding = error as? DecodingError else { return self.error(.malformedResponse, "\(what): the response is not JSON") }
        return self.error(.malformedResponse, "\(what): the response is not what tokenwarden expects (\(Self.describe(decoding)))")
    }

    /// ` (server said: …)`: the start of an error body, on one line, with every form of the known
    /// secrets and of the request's own `Authorization` value removed before it is cut.
    private func excerpt(of body: ByteBuffer, authorization: String?) -> String {
        var known = secrets.map { $0.reveal() }
        if let authorization {
            known.append(authorization)
            if let space = authorization.firstIndex(of: " ") { known.append(String(authorization[authorization.index(after: space)...])) }
        }
        return SecretScrubber(known).excerpt(of: body.readableBytesView)
    }

    static func statusError(status: Int, reason: String, label: String, excerpt: String, location: String?, provider: String) -> ProviderError {
        let (kind, advice): (ProviderError.Kind, String) =
            switch status {
            case 401: (.unauthorized, "the credential was not accepted; check that it is current and not revoked")
            case 403: (.forbidden, "the credential lacks a permission this call needs")
            case 404: (.notFound, "not found; check base_url (it goes in front of the documented API paths)")
            case 300...399:
                (
                    .redirected,
                    "the provider redirects to \(location ?? "another address"); tokenwarden never follows redirects (they could carry the "
                        + "credential elsewhere), so set base_url to the final address"
                )
            case 500...599: (.unavailable, "the provider failed; this request is not retried because it may have taken effect")
            default: (.http(status: status), "unexpected answer")
            }
        return ProviderError(provider: provider, kind: kind, message: "\(label) returned \(status) \(reason): \(advice)\(excerpt)")
    }

    /// What a transport failure means, and whether trying again is safe.
    static func classify(_ error: any Error, idempotent: Bool, policy: HTTPPolicy) -> (ProviderError.Kind, String, Bool) {
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout:
                return (
                    .timeout, "no connection within \(Int(policy.connectTimeout))s; check base_url and that the provider is reachable from this host",
                    true
                )
            case .readTimeout, .deadlineExceeded:
                return (.timeout, "no complete answer within \(Int(policy.requestTimeout))s", idempotent)
            case .remoteConnectionClosed:
                return (.connection, "the provider closed the connection before the answer was complete", idempotent)
            default:
                break
            }
        }
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("refused") {
            return (.connection, "connection refused; check base_url and that the provider is running", true)
        }
        return (.connection, "the exchange failed: \(text)", idempotent)
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "at the top level" : "at \(keys)"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing \"\(key.stringValue)\" \(path(context))"
        case .typeMismatch(let type, let context): return "expected \(type) \(path(context))"
        case .valueNotFound(let type, let context): return "null where \(type) was expected \(path(context))"
        case .dataCorrupted(let context): return "unreadable JSON \(path(context))"
        @unknown default: return "unreadable"
        }
    }

    /// `https://host:port`, for messages about reaching a host.
    static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return url }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }

    /// The path and query of a URL, for messages (the host is in the provider's config).
    static func path(of url: String) -> String {
        guard let components = URLComponents(string: url) else { return url }
        return components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
    }
}

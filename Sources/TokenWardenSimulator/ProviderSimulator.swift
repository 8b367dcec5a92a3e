import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TokenWardenCore

/// Simulated Planning Center, SailPoint, Cryptlex, 12d Synergy and AWX APIs, served over real HTTP on
/// loopback: one port, one path prefix per provider (`http://127.0.0.1:PORT/awx` is AWX's base_url).
/// Used by `tokenwarden simulate`, `demo` and every driver test.
public final class ProviderSimulator: Sendable {
    /// What to serve.
    public struct Options: Sendable {
        /// Tokens seeded per provider.
        public var tokensPerProvider: Int
        /// Per-kind exceptions to `tokensPerProvider`.
        public var tokenCounts: [ProviderKind: Int]
        public var seed: UInt64
        /// 0 picks a free port.
        public var port: Int
        public var faults: [SimulatorFault]
        /// Credential file content each provider accepts; random when not given.
        public var credentials: [ProviderKind: String]
        /// Documented request limits to enforce, by kind (`SimulatedRateLimit.documented`).
        public var rateLimits: [ProviderKind: SimulatedRateLimit]

        public init(
            tokensPerProvider: Int = 50, tokenCounts: [ProviderKind: Int] = [:], seed: UInt64 = 1, port: Int = 0,
            faults: [SimulatorFault] = [], credentials: [ProviderKind: String] = [:], rateLimits: [ProviderKind: SimulatedRateLimit] = [:]
        ) {
            self.rateLimits = rateLimits
            self.tokensPerProvider = tokensPerProvider
            self.tokenCounts = tokenCounts
            self.seed = seed
            self.port = port
            self.faults = faults
            self.credentials = credentials
        }
    }

    public let port: Int
    private let providers: [ProviderKind: SimulatedProvider]
    /// The webhook receiver at `/webhook/NAME`.
    public let webhook: SimulatedWebhook
    private let server: Task<Void, any Error>

    private init(port: Int, providers: [ProviderKind: SimulatedProvider], webhook: SimulatedWebhook, server: Task<Void, any Error>) {
        self.port = port
        self.providers = providers
        self.webhook = webhook
        self.server = server
    }

    /// Seeds the providers and starts serving on 127.0.0.1; returns once the port is bound.
    public static func start(_ options: Options = Options()) async throws -> ProviderSimulator {
        let now = Date()
        var providers: [ProviderKind: SimulatedProvider] = [:]
        for kind in ProviderKind.allCases {
            let count = options.tokenCounts[kind] ?? options.tokensPerProvider
            let tokens = SimulatedInventory.tokens(kind: kind, count: count, seed: options.seed, now: now)
            let credential = options.credentials[kind] ?? defaultCredential(for: kind)
            providers[kind] = SimulatedProvider(
                kind: kind, tokens: tokens, credential: credential, faults: options.faults, rateLimit: options.rateLimits[kind], now: { Date() })
        }
        let routes = providers
        let webhook = SimulatedWebhook()
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "tokenwarden.simulator")
        // Critical only: Hummingbird logs a graceful stop's cancelled child channels as errors.
        logger.logLevel = .critical
        let application = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in try await respond(to: request, providers: routes, webhook: webhook) },
            configuration: .init(address: .hostname("127.0.0.1", port: options.port), serverName: "tokenwarden-simulator"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        let server = Task { try await application.run() }
        var bound: Int?
        for await port in ports { bound = port }
        guard let bound, bound > 0 else {
            server.cancel()
            throw SimulatorError(description: "the simulator could not listen on 127.0.0.1:\(options.port)")
        }
        return ProviderSimulator(port: bound, providers: providers, webhook: webhook, server: server)
    }

    /// `GET /simulator/rate-limit/<kind>`: the enforced limit and every window so far (404 when the
    /// kind's limit is not enforced), for benchmarks that run the simulator as its own process.
    private static func rateLimitReport(of provider: SimulatedProvider) async -> Response {
        guard let limit = await provider.rateLimit else {
            return Response(status: .notFound, body: ResponseBody(byteBuffer: ByteBuffer(string: "no rate limit is enforced on this provider\n")))
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let body = (try? encoder.encode(RateLimitReport(limit: limit.limit, period_seconds: limit.period, windows: limit.windows))) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The body of `rateLimitReport` (window openings in Unix seconds).
    struct RateLimitReport: Encodable {
        let limit: Int
        let period_seconds: Int
        let windows: [SimulatedRateLimit.Window]
    }

    /// `http://127.0.0.1:PORT/<kind>`: the `base_url` for a provider of this kind.
    public func baseURL(for kind: ProviderKind) -> String { "http://127.0.0.1:\(port)/\(kind.rawValue)" }

    /// Where the webhook receiver takes POSTs for `name`.
    public func webhookURL(_ name: String) -> String { "http://127.0.0.1:\(port)/webhook/\(name)" }

    /// The simulated API of a kind, to inspect its tokens or inject faults.
    public func provider(_ kind: ProviderKind) -> SimulatedProvider {
        guard let provider = providers[kind] else { preconditionFailure("every kind is simulated") }
        return provider
    }

    /// Stops serving and waits until the port is released.
    public func stop() async {
        server.cancel()
        _ = try? await server.value
    }

    static func defaultCredential(for kind: ProviderKind) -> String {
        switch kind.credentialFormat {
        case .pair: "sim-\(kind.rawValue)-id:" + SimulatedProvider.randomSecret()
        case .bearer: "sim-\(kind.rawValue)-" + SimulatedProvider.randomSecret()
        }
    }

    private static func respond(
        to request: Request, providers: [ProviderKind: SimulatedProvider], webhook: SimulatedWebhook
    ) async throws -> Response {
        let path = request.uri.path
        let first = path.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        if first == "webhook", request.method == .post {
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let answer = await webhook.receive(name: String(path.dropFirst("/webhook/".count)), headers: headers, body: Data(body.readableBytesView))
            return Response(status: HTTPResponse.Status(code: answer.status), body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
        }
        if first == "simulator", request.method == .get, path.hasPrefix("/simulator/rate-limit/"),
            let kind = ProviderKind(rawValue: String(path.dropFirst("/simulator/rate-limit/".count))), let provider = providers[kind]
        {
            return await rateLimitReport(of: provider)
        }
        guard let kind = ProviderKind(rawValue: first), let provider = providers[kind] else {
            return Response(status: .notFound, body: ResponseBody(byteBuffer: ByteBuffer(string: "no simulated provider at \(path)\n")))
        }
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value).removingPercentEncoding ?? String(value) }
        let body = try await request.body.collect(upTo: 1 << 20)
        let host = request.head.authority ?? "127.0.0.1"
        let simulated = SimulatedRequest(
            method: request.method.rawValue, path: String(path.dropFirst(first.count + 1)), query: query,
            authorization: request.headers[.authorization], body: Data(body.readableBytesView),
            base: "http://\(host)/\(first)", prefix: "/\(first)")
        let hold = await provider.createDelay(for: simulated)
        // Not a child task: a client that gives up or dies cancels this handler, but a real provider
        // still makes the token it was asked for.
        let answer = await Task {
            if hold > 0 { try? await Task.sleep(for: .milliseconds(Int64(hold * 1_000))) }
            return await provider.handle(simulated)
        }.value
        if answer.delay > 0 { try await Task.sleep(for: .milliseconds(Int64(answer.delay * 1_000))) }
        var headers = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
        }
        let status = HTTPResponse.Status(code: answer.status)
        guard answer.truncate else {
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        // Promise the whole body, send half, then fail: the client sees the connection drop mid-body.
        let half = ByteBuffer(bytes: answer.body.prefix(answer.body.count / 2))
        return Response(
            status: status, headers: headers,
            body: ResponseBody(contentLength: answer.body.count) { writer in
                try await writer.write(half)
                throw SimulatorError(description: "truncated on purpose")
            })
    }
}

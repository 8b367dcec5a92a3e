import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import TokenWardenCore
import TokenWardenJournal

/// `[metrics] listen`: `GET /metrics` on a loopback address answers the text the metrics service
/// made last (503 before its first pass, and after a reload turned the metrics off). Plain HTTP without authentication, which is why the
/// configuration accepts only loopback addresses. When the address cannot be bound the daemon goes
/// on without it (journaled as `metrics-not-served`): tokens are not left unwatched for a port.
///
/// Any local user can connect, so the listener is bounded: at most `maximumConnections` open at once
/// (more wait in the kernel's backlog and cost the daemon no descriptor), and a connection that has
/// not sent a whole request head within `idleTimeout`, or sits idle that long after an answer, is
/// closed. Without these, 1,100 connections that never finish their headers took the daemon to its
/// 1,024 descriptors and libdispatch aborted (issue 33). The unit's `LimitNOFILE=` leaves room for
/// the cap beside what polling needs.
struct MetricsEndpoint: Service {
    let address: ListenAddress
    let board: MetricsBoard
    let logger: Logger
    let observer: DaemonObserver?
    /// Connections served at once; Prometheus needs one, a few people with curl a few more.
    var maximumConnections = 16
    /// How long a connection may take to send its request head, or stay open idle.
    var idleTimeout = Duration.seconds(10)

    /// The Content-Type of Prometheus's text exposition format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    func run() async {
        var quiet = logger
        // Critical only: Hummingbird logs a graceful stop's cancelled connections as errors.
        quiet.logLevel = .critical
        let application = Application(
            responder: CallbackResponder<BasicRequestContext> { [board] request, _ in Self.respond(to: request, text: board.text) },
            server: .http1(configuration: .init(idleTimeout: TimeAmount(idleTimeout))),
            configuration: .init(
                address: .hostname(address.host, port: address.port), serverName: "tokenwarden",
                availableConnectionsDelegate: MaximumAvailableConnections(maximumConnections)),
            onServerRunning: { [observer] channel in observer?.metricsServing(channel.localAddress?.port ?? 0) },
            logger: quiet)
        do {
            try await application.run()
        } catch {
            JournalEvent.metricsNotServed(address, problem: "\(error)").log(to: logger)
            try? await gracefulShutdown()
        }
    }

    static func respond(to request: Request, text: String?) -> Response {
        guard request.uri.path == "/metrics" else {
            return Response(status: .notFound, body: ResponseBody(byteBuffer: ByteBuffer(string: "tokenwarden serves /metrics only\n")))
        }
        guard request.method == .get || request.method == .head else {
            return Response(status: .methodNotAllowed, headers: [.allow: "GET, HEAD"], body: ResponseBody())
        }
        guard let text else {
            return Response(
                status: .serviceUnavailable, headers: [.retryAfter: "10"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "no metrics yet: they are being gathered, or a reload turned [metrics] off\n")))
        }
        return Response(
            status: .ok, headers: [.contentType: contentType],
            body: request.method == .head ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

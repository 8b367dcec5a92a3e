import Foundation
import Hummingbird
import Logging
import NIOCore

/// Serves fixed JSON bodies on loopback, for contract tests built from documented payloads.
/// A body is found by `path?query` first, then by path alone; a body starting with `redirect:` answers
/// 302 to the URL that follows.
struct CannedServer {
    let port: Int
    private let task: Task<Void, any Error>

    static func start(_ bodies: [String: String]) async throws -> CannedServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "canned")
        logger.logLevel = .error
        let application = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in
                let exact = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                guard let body = bodies[exact] ?? bodies[request.uri.path] else { return Response(status: .notFound) }
                if body.hasPrefix("redirect:") {
                    return Response(status: .found, headers: [.location: String(body.dropFirst("redirect:".count))])
                }
                return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        let task = Task { try await application.run() }
        var port = 0
        for await bound in ports { port = bound }
        return CannedServer(port: port, task: task)
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

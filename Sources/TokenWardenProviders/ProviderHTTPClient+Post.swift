import AsyncHTTPClient
import NIOCore
import TokenWardenCore

/// A POST outside any provider (a notification webhook), through the same client: no redirects,
/// the same timeouts. One attempt: the outbox retries, with the same idempotency key.
extension ProviderHTTPClient {
    /// Why a POST did not land; the message names the URL's host, never a header value.
    public struct PostError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// POSTs `body` to `url` with `headers`; returns the 2xx status, or throws with the status and a
    /// terminal-safe excerpt of what the receiver said.
    @discardableResult
    public func post(_ url: String, body: [UInt8], headers: [(String, String)]) async throws(PostError) -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "User-Agent", value: "tokenwarden")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let host = HTTPClientRequest.hostOf(url)
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(policy.requestTimeout * 1_000)))
            let collected = try await response.body.collect(upTo: 64 << 10)
            let status = Int(response.status.code)
            guard (200..<300).contains(status) else {
                let said = String(decoding: collected.readableBytesView.prefix(200), as: UTF8.self).terminalSafe
                throw PostError(description: "\(host) answered \(status)\(said.isEmpty ? "" : ": \(said)")")
            }
            return status
        } catch let error as PostError {
            throw error
        } catch {
            throw PostError(description: "\(host) could not be reached: \(error)")
        }
    }
}

extension HTTPClientRequest {
    /// The host (and port) of a URL, for messages.
    static func hostOf(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        return String(rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" })
    }
}

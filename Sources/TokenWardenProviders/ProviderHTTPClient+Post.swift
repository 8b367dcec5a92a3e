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
    /// terminal-safe excerpt of what the receiver said, scrubbed of every one of `secrets` (the
    /// receiver's credential, the signing key) in every form it could echo them.
    @discardableResult
    public func post(_ url: String, body: [UInt8], headers: [(String, String)], secrets: [Secret] = []) async throws(PostError) -> Int {
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
                // Scrubbed over a window far longer than what is shown, so a secret that starts in the
                // excerpt is whole when it is removed.
                let scrubber = SecretScrubber(secrets.map { $0.reveal() })
                let window = scrubber.scrub(String(decoding: collected.readableBytesView.prefix(16 << 10), as: UTF8.self))
                let said = String(window.terminalSafe.prefix(200))
                throw PostError(description: "\(host) answered \(status)\(said.isEmpty ? "" : ": \(said)")")
            }
            return status
        } catch let error as PostError {
            throw error
        } catch {
            throw PostError(description: "\(host) could not be reached: \(Self.describe(error))")
        }
    }

    /// Whether `url` answers at all (`validate`): a HEAD request, which a receiver must not act on;
    /// any HTTP answer, whatever its status, counts as reachable. Nil when it answered, else why not.
    public func probe(_ url: String, timeout: TimeAmount = .seconds(5)) async -> String? {
        var request = HTTPClientRequest(url: url)
        request.method = .HEAD
        request.headers.add(name: "User-Agent", value: "tokenwarden")
        do {
            let response = try await client.execute(request, timeout: timeout)
            _ = try? await response.body.collect(upTo: 64 << 10)
            return nil
        } catch {
            return "\(HTTPClientRequest.hostOf(url)) could not be reached: \(Self.describe(error))"
        }
    }

    /// An HTTP client error in words an admin reads (AsyncHTTPClient's are type names).
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "the connection timed out"
            case .deadlineExceeded, .readTimeout: return "no answer in time"
            case .remoteConnectionClosed: return "the receiver closed the connection"
            default: return "\(error)"
            }
        }
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused (nothing listens there)" }
        if text.contains("dnsA") || text.contains("NXDOMAIN") || text.contains("resolve") { return "the host name does not resolve" }
        if text.contains("SSL") || text.contains("TLS") || text.contains("certificate") { return "the TLS handshake failed (\(text))" }
        return text
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

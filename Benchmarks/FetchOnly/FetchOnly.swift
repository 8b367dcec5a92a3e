import AsyncHTTPClient
import Foundation
import NIOCore
import TokenWardenProviders

/// The benchmark's limit for `tokenwarden sync`: the same listing pages, requested one after another
/// with the same AsyncHTTPClient configuration, each body read and thrown away. Nothing is decoded,
/// stored, retried or paced, so `sync`'s time over this one is what tokenwarden itself costs.
///
/// Usage: tokenwarden-fetch-only awx|planningcenter BASE_URL CREDENTIAL_FILE TOKENS
/// Prints `pages=N bytes=N`; the harness (scripts/bench/bench.py) times the whole process, as it
/// times `sync`.
@main
enum FetchOnly {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 5, let tokens = Int(arguments[4]), ["awx", "planningcenter"].contains(arguments[1]) else {
            FileHandle.standardError.write(Data("usage: tokenwarden-fetch-only awx|planningcenter BASE_URL CREDENTIAL_FILE TOKENS\n".utf8))
            exit(2)
        }
        let (kind, base) = (arguments[1], arguments[2])
        let credential = try String(contentsOfFile: arguments[3], encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)

        // The configuration ProviderHTTPClient builds for the standard policy.
        let policy = HTTPPolicy.standard
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: .milliseconds(Int64(policy.connectTimeout * 1_000)),
                read: .milliseconds(Int64(policy.requestTimeout * 1_000)))
        )
        configuration.decompression = .enabled(limit: .size(policy.maximumBodyBytes))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)

        // The URLs the drivers request: AWX pages of 200 by number, Planning Center pages of 100 by offset.
        let pageSize = kind == "awx" ? 200 : 100
        let pageCount = max(1, (tokens + pageSize - 1) / pageSize)
        let authorization = kind == "awx" ? "Bearer " + credential : "Basic " + Data(credential.utf8).base64EncodedString()
        func url(_ index: Int) -> String {
            kind == "awx"
                ? base + "/api/v2/tokens/?application__isnull=true&order_by=id&page=\(index + 1)&page_size=200"
                : base + "/api/v2/personal_access_tokens?per_page=100&offset=\(index * pageSize)"
        }

        var bytes = 0
        do {
            for index in 0..<pageCount {
                var request = HTTPClientRequest(url: url(index))
                request.headers.add(name: "Accept", value: "application/json")
                request.headers.add(name: "User-Agent", value: "tokenwarden")
                request.headers.add(name: "Authorization", value: authorization)
                let response = try await client.execute(request, timeout: .milliseconds(Int64(policy.requestTimeout * 1_000)))
                let body = try await response.body.collect(upTo: policy.maximumBodyBytes)
                guard response.status == .ok else { throw FetchFailure(status: Int(response.status.code), url: url(index)) }
                bytes += body.readableBytes
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        print("pages=\(pageCount) bytes=\(bytes)")
    }
}

/// A page that did not come back 200: the run measures nothing and says so.
struct FetchFailure: Error, CustomStringConvertible {
    let status: Int
    let url: String
    var description: String { "GET \(url) returned \(status)" }
}

import Foundation
import TokenWardenCore

/// A request as a simulated provider sees it, stripped of the server's plumbing.
struct SimulatedRequest: Sendable {
    let method: String
    /// The path after the provider's prefix, e.g. `/api/v2/tokens/`.
    let path: String
    let query: [String: String]
    let authorization: String?
    let body: Data
    /// `http://127.0.0.1:PORT/awx`: what absolute links are built from.
    let base: String
    /// `/awx`: what host-relative links start with.
    let prefix: String

    func int(_ name: String) -> Int? { query[name].flatMap(Int.init) }

    /// The body as `T`, or nil when it is not JSON of that shape.
    func decoded<T: Decodable>(_ type: T.Type) -> T? { try? JSONDecoder().decode(T.self, from: body) }

    /// Whether this asks `kind`'s API to create a token.
    func isCreate(at kind: ProviderKind) -> Bool {
        guard method == "POST" else { return false }
        switch kind {
        case .awx: return path.hasSuffix("/personal_tokens/")
        case .aap: return path == "/api/gateway/v1/tokens/"
        case .sailPoint: return path == "/v3/personal-access-tokens" || path == "/v2025/personal-access-tokens"
        case .cryptlex: return path == "/v3/personal-access-tokens"
        case .synergy: return path == "/api/v1/auth/generate-pat"
        case .planningCenter: return false
        }
    }
}

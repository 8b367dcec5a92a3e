import Foundation

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
}

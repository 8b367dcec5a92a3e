import Foundation

/// Builds request URLs under a provider's `base_url`, and checks links a server hands back.
struct Endpoint: Sendable {
    /// `base_url` from the config: scheme, host, port and optional path prefix, no trailing slash.
    let base: String

    /// `base + path` with the query items percent-encoded.
    func url(_ path: String, _ query: [(String, String)] = []) -> String {
        guard !query.isEmpty else { return base + path }
        var components = URLComponents()
        components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
        // `+` is legal in a query but some servers read it as a space; encode it explicitly.
        let encoded = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B") ?? ""
        return base + path + "?" + encoded
    }

    /// A provider's id as one path segment: everything but unreserved characters percent-encoded,
    /// and `.` and `..` too, which would otherwise climb the path (`/tokens/..` is `/`). Ids are
    /// provider data.
    static func segment(_ id: String) -> String {
        if id == "." || id == ".." { return String(repeating: "%2E", count: id.count) }
        return id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? id
    }

    /// A `next` link resolved against the base's scheme and host (AWX sends host-relative links).
    /// A link to another host is refused: it must never receive the credential.
    func resolve(link: String, provider: String) throws(ProviderError) -> String {
        guard let baseURL = URL(string: base), let resolved = URL(string: link, relativeTo: baseURL)?.absoluteURL,
            resolved.scheme == baseURL.scheme, resolved.host == baseURL.host, resolved.port == baseURL.port
        else {
            throw ProviderError(
                provider: provider, kind: .malformedResponse,
                message: "the next-page link \(link) points to another host or scheme than base_url; not following it with the credential")
        }
        return resolved.absoluteString
    }
}

import Foundation
import TokenWardenCore

/// SailPoint's OAuth2 client-credentials flow: the PAT id and secret buy a JWT at `/oauth/token`,
/// reused until shortly before it expires, and bought again after a 401.
actor SailPointSession: RequestAuthorizer {
    private let tokenURL: String
    /// The form body holds the client secret, so it is kept redacted like the secret itself.
    private let form: Secret
    private let connection: ProviderConnection
    private var current: (header: Secret, expires: ContinuousClock.Instant)?

    nonisolated var canRefresh: Bool { true }

    init(tokenURL: String, clientID: String, clientSecret: String, connection: ProviderConnection) {
        self.tokenURL = tokenURL
        var components = URLComponents()
        components.queryItems = [
            URLQueryItem(name: "grant_type", value: "client_credentials"),
            URLQueryItem(name: "client_id", value: clientID),
            URLQueryItem(name: "client_secret", value: clientSecret),
        ]
        form = Secret((components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B"))
        self.connection = connection
    }

    func authorization(refresh: Bool) async throws(ProviderError) -> Secret {
        if !refresh, let current, current.expires > .now { return current.header }
        // Asking for an access token twice does no harm, so this POST may be retried.
        let response = try await connection.send(
            .POST, tokenURL, body: Data(form.reveal().utf8), contentType: "application/x-www-form-urlencoded", idempotent: true)
        let grant = try connection.decode(Grant.self, from: response, what: "getting an access token at /oauth/token")
        // Renew a minute early so a token never expires between check and use.
        // `expires_in` is the server's word, not to be trusted with a conversion: capped at a day.
        let lifetime = max(0, Double(grant.expires_in ?? 43_200) - 60)
        let header = Secret("Bearer " + grant.access_token)
        current = (header, .now.advanced(by: ProviderDuration.duration(lifetime)))
        return header
    }

    struct Grant: Decodable {
        let access_token: String
        let expires_in: Int?
    }
}

/// The JSON bodies the simulated APIs accept, decoded with `Decodable` as the clients' bodies are
/// encoded with `Encodable`. Fields are optional where the real API has a default; a body that is
/// not JSON, or has a field of the wrong type, is refused the way the real API refuses it.
enum SimulatedRequestBody {
    /// AWX / AAP `personal_tokens` and gateway `tokens`.
    struct AWXCreate: Decodable {
        var description: String?
        var scope: String?
    }

    /// SailPoint `/v3` and `/v2025/personal-access-tokens`.
    struct SailPointCreate: Decodable {
        var name: String?
        var scope: [String]?
        var expirationDate: String?
        var userAwareTokenNeverExpires: Bool?
        var accessTokenValiditySeconds: Int?
    }

    /// Cryptlex `POST /v3/personal-access-tokens`.
    struct CryptlexCreate: Decodable {
        var name: String?
        var scopes: [String]?
        var expiresAt: String?
    }

    /// Cryptlex `PATCH /v3/personal-access-tokens/{id}`.
    struct CryptlexUpdate: Decodable {
        var revoked: Bool?
    }

    /// 12d Synergy `generate-pat`.
    struct SynergyGenerate: Decodable {
        var Name: String?
        var ExpireInDays: Int?
    }
}

import TokenWardenCore
import TokenWardenStore

/// What `revoke --json` and `rotate --json` print: the token, a snake_case outcome code, the error
/// (null unless failed), and for a rotation its state and new token (docs/json.md).
struct ActionJSON: Encodable {
    let command: String
    let provider: String
    let id: String
    let name: String
    /// `revoked`, `already_gone` (at the provider), `already_revoked`, `failed`; for a rotation its state.
    let outcome: String
    let error: String?
    let rotation: RotationJSON?

    init(command: String, token: Token, outcome: String, error: String? = nil, rotation: RotationRecord? = nil) {
        self.command = command
        provider = token.provider
        id = token.id
        name = token.name
        self.outcome = outcome
        self.error = error
        self.rotation = rotation.map(RotationJSON.init)
    }

    enum CodingKeys: String, CodingKey {
        case command, provider, id, name, outcome, error, rotation
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(command, forKey: .command)
        try container.encode(provider, forKey: .provider)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(error, forKey: .error)
        if let rotation { try container.encode(rotation, forKey: .rotation) }
    }

    /// Prints `value` when `json` is set.
    static func print(_ json: Bool, _ value: ActionJSON) throws {
        if json { try JSONOutput.print(value) }
    }

    /// A rotation as it stands: `{"id", "state", "new_token_id", "revoke_old_after", "failure"}`.
    struct RotationJSON: Encodable {
        let id: Int64
        let state: String
        let newTokenID: String?
        let revokeOldAfter: String?
        let failure: String?

        init(_ record: RotationRecord) {
            id = record.id
            state = record.state.rawValue
            newTokenID = record.newTokenID
            revokeOldAfter = record.revokeOldAfter.map(ProviderTimestamp.formatExact)
            failure = record.failure
        }

        enum CodingKeys: String, CodingKey {
            case id, state, failure
            case newTokenID = "new_token_id"
            case revokeOldAfter = "revoke_old_after"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(state, forKey: .state)
            try container.encode(newTokenID, forKey: .newTokenID)
            try container.encode(revokeOldAfter, forKey: .revokeOldAfter)
            try container.encode(failure, forKey: .failure)
        }
    }
}

import TokenWardenCore
import TokenWardenStore

/// What `revoke --json` and `rotate --json` print: the token, a snake_case outcome code, the error
/// (null unless failed), and for a rotation its state and new token (docs/json.md).
enum ActionJSON {
    /// `outcome`: `revoked`, `already_gone` (at the provider), `already_revoked`, `failed`; for a
    /// rotation its state.
    static func print(command: String, token: Token, outcome: String, error: String? = nil, rotation: RotationRecord? = nil) throws {
        var fields: [String: JSONFields.Value] = [
            "command": .string(command), "provider": .string(token.provider), "id": .string(token.id), "name": .string(token.name),
            "outcome": .string(outcome), "error": .string(error),
        ]
        if let rotation {
            fields["rotation"] = .object(
                JSONFields([
                    "id": .integer(rotation.id), "state": .string(rotation.state.rawValue), "new_token_id": .string(rotation.newTokenID),
                    "revoke_old_after": .instant(rotation.revokeOldAfter), "failure": .string(rotation.failure),
                ]))
        }
        try JSONOutput.print(JSONFields(fields))
    }
}

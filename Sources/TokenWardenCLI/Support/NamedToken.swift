import TokenWardenCore
import TokenWardenLifecycle
import TokenWardenStore

/// The token an admin's `revoke` or `rotate` names, checked the same way for both: it must be in the
/// inventory, belong to a configured provider, and not be tokenwarden's own credential.
enum NamedToken {
    static func resolve(_ reference: String, in store: TokenStore, configuration: Configuration, verb: String) throws -> (Token, ProviderConfig) {
        let target = try store.resolve(reference)
        guard let provider = configuration.provider(id: target.provider) else {
            throw Refusal("\(target.reference) belongs to provider \"\(target.provider)\", which is no longer in \(configuration.sourcePath)")
        }
        if PolicyContext.ownTokens(of: configuration).contains(target.reference) {
            throw Refusal("\(target.reference) is the credential tokenwarden itself uses for \(provider.id); tokenwarden will not \(verb) it")
        }
        return (target, provider)
    }
}

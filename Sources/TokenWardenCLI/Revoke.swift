import ArgumentParser
import Foundation
import TokenWardenCore
import TokenWardenDaemon
import TokenWardenProviders

/// `tokenwarden revoke TOKEN`: an admin's revoke, through the same path enforced policy uses.
struct Revoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Revoke one token now, through its provider's API.",
        discussion: """
            TOKEN is PROVIDER/ID (e.g. awx-main/42) or a token name that is unique in the inventory. \
            tokenwarden asks for confirmation on a terminal; scripts pass --yes. The attempt is \
            written to the audit trail before the provider is called and its result after \
            (`tokenwarden history TOKEN`). A token the provider no longer has counts as revoked.

            tokenwarden will not revoke its own credential (a provider's self_token_id, or the SailPoint \
            PAT it signs in with). Planning Center has no revoke API: revoke those in its web UI.

            Example:
              tokenwarden revoke awx-main/42 --yes
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: ArgumentHelp("PROVIDER/ID or a unique token name.", valueName: "token"))
    var token: String

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    func run() async throws {
        let configuration: Configuration
        do { configuration = try ConfigLoaderFacade.load(options.config) } catch { throw Terminal.fail(error) }
        let http = ProviderHTTPClient()
        let outcome: TokenRevoker.Outcome
        let target: Token
        do {
            let store = try Runtime.store(for: configuration)
            target = try store.resolve(token)
            guard let provider = configuration.provider(id: target.provider) else {
                throw ValidationError("\(target.reference) belongs to provider \"\(target.provider)\", which is no longer in \(configuration.sourcePath)")
            }
            if Runtime.ownTokens(of: configuration).references.contains(target.reference) {
                throw ValidationError("\(target.reference) is the credential tokenwarden itself uses for \(provider.id); tokenwarden will not revoke it")
            }
            guard try confirmed("Revoke \(target.reference) \"\(target.name)\" at \(provider.kind.displayName)?") else {
                Terminal.error("not revoked")
                throw ExitCode.failure
            }
            let driver = try Runtime.driver(for: provider, http: http)
            outcome = try await TokenRevoker(store: store).revoke(target, with: driver, mode: .manual, rule: nil,
                                                                  reason: "revoked by an admin with `tokenwarden revoke`")
        } catch {
            try? await http.shutdown()
            if let exit = error as? ExitCode { throw exit }
            if let usage = error as? ValidationError { Terminal.error(usage.message); throw ExitCode.failure }
            throw Terminal.fail(error)
        }
        try? await http.shutdown()
        switch outcome {
        case .revoked: print("revoked \(target.reference) \"\(target.name)\"")
        case .alreadyGone: print("\(target.reference) \"\(target.name)\" was already gone at the provider")
        case let .failed(reason):
            Terminal.error("\(target.reference) was not revoked: \(reason)")
            throw ExitCode.failure
        }
    }

    /// Yes with --yes; otherwise asks on a terminal, and refuses when there is none to ask on.
    private func confirmed(_ question: String) throws -> Bool {
        if yes { return true }
        guard isatty(STDIN_FILENO) == 1 else {
            throw ValidationError("standard input is not a terminal, so tokenwarden cannot ask for confirmation; add --yes to revoke")
        }
        FileHandle.standardError.write(Data("\(question) [y/N] ".utf8))
        return ["y", "yes"].contains(readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? "")
    }
}

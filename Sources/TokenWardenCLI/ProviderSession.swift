import ArgumentParser
import TokenWardenProviders

/// The HTTP client of a command that talks to providers, shut down however the command ends
/// (AsyncHTTPClient traps on a client released without `shutdown()`), with errors turned into
/// messages and exit codes the same way for every such command.
enum ProviderSession {
    static func run<T>(policy: HTTPPolicy, _ body: (ProviderHTTPClient) async throws -> T) async throws -> T {
        let http = ProviderHTTPClient(policy: policy)
        do {
            let value = try await body(http)
            try? await http.shutdown()
            return value
        } catch {
            try? await http.shutdown()
            if let exit = error as? ExitCode { throw exit }
            if let usage = error as? ValidationError {
                Terminal.error(usage.message)
                throw ExitCode.failure
            }
            throw Terminal.fail(error)
        }
    }
}

import ArgumentParser
import Foundation
import TokenWardenSimulator
import UnixSignals

/// `tokenwarden simulate`: the simulated provider APIs, standalone, with a config that points at them.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Serve simulated provider APIs on loopback.",
        discussion: """
            Serves fake Planning Center, SailPoint, Cryptlex, 12d Synergy, AWX and AAP gateway APIs \
            on 127.0.0.1, each under its own path prefix, with seeded tokens, the real auth schemes, \
            envelopes, pagination and error bodies. Like the real APIs, each creates a token only for \
            the credential that signs in. It writes credential files and a tokenwarden.toml pointing at \
            them into --directory and prints that config. Runs until Ctrl-C.

            Faults (repeatable --fault KIND:FAULT[=VALUE][*COUNT]; without *COUNT they never wear off):
              rate-limit[=SECONDS]   429 with Retry-After
              status=CODE            an error status (e.g. 503)
              slow[=SECONDS]         a listing answers late (timeouts)
              truncated              the connection drops mid-body
              malformed              invalid JSON
              loop                   the next page loops to the first
              duplicates             tokens repeated across pages
              missing-on-delete      revoke/delete answer 404
              expired-session        SailPoint's JWT expires
              slow-create[=SECONDS]  a create is held, then made even if the client left
              no-secret              Cryptlex answers a create without the token's value
              other-owner            AWX/AAP make a created token another user's

            Rate limits (repeatable --rate-limit KIND[=SCALE]): enforce a provider's documented \
            limit in fixed windows, its window divided by SCALE; the next request after the limit \
            gets 429 with Retry-After. GET /simulator/rate-limit/KIND reports every window as JSON.
              planningcenter         100 per 20 s, X-PCO-API-Request-Rate-* headers
              sailpoint              100 per 10 s, only Retry-After
              cryptlex               50 per 5 s, X-Rate-Limit-* headers

            Example, in two terminals:
              tokenwarden simulate --directory /tmp/sim --fault awx:status=503*2
              tokenwarden sync --config /tmp/sim/tokenwarden.toml
            """
    )

    @Option(help: ArgumentHelp("Port to listen on; 0 picks a free one.", valueName: "port"))
    var port = 0

    @Option(help: ArgumentHelp("Tokens seeded per provider.", valueName: "n"))
    var tokens = 200

    @Option(help: ArgumentHelp("Seed of the generated tokens (same seed, same tokens).", valueName: "n"))
    var seed: UInt64 = 1

    @Option(
        name: .customLong("fault"), help: ArgumentHelp("A fault to inject (see above). Repeatable.", valueName: "spec"),
        transform: Arguments.fault)
    var faults: [SimulatorFault] = []

    @Option(
        name: .customLong("rate-limit"),
        help: ArgumentHelp("Enforce a provider's documented rate limit (see above). Repeatable.", valueName: "kind[=scale]"),
        transform: Arguments.rateLimit)
    var rateLimits: [SimulatedRateLimit] = []

    @Option(help: ArgumentHelp("Where to write the credentials and tokenwarden.toml (default: a new temporary directory).", valueName: "path"))
    var directory: String?

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard (0...1_000_000).contains(tokens) else { throw ValidationError("--tokens must be 0…1000000") }
    }

    func run() async throws {
        let simulator: ProviderSimulator
        do {
            let limits = Dictionary(rateLimits.map { ($0.kind, $0) }, uniquingKeysWith: { _, last in last })
            simulator = try await ProviderSimulator.start(
                .init(tokensPerProvider: tokens, seed: seed, port: port, faults: faults, rateLimits: limits))
        } catch {
            throw CommandContext.exitCode(for: error)
        }
        // Trapped before the config is printed: a script that reads it and then stops the simulator
        // is never racing the handler (the daemon's one signal path, swift-service-lifecycle's).
        let stop = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        do {
            let target = try directory ?? PrivateDirectory.fresh(prefix: "tokenwarden-simulator").path
            let config = try SimulatorSetup.write(for: simulator, into: target)
            var text = "simulated providers on http://127.0.0.1:\(simulator.port)/<kind>, \(tokens) tokens each\n"
            if !faults.isEmpty { text += "faults: \(faults.map(\.description).joined(separator: ", "))\n" }
            for limit in rateLimits {
                text += "rate limit: \(limit.kind.rawValue) \(limit.limit) requests per \(limit.period) s\n"
            }
            text += "config: \(config)\n\n" + (try String(contentsOfFile: config, encoding: .utf8)) + "Ctrl-C to stop.\n"
            // Unbuffered, so a script reading the pipe sees it while the simulator keeps running.
            FileHandle.standardOutput.write(Data(text.utf8))
        } catch {
            await simulator.stop()
            throw CommandContext.exitCode(for: error)
        }
        for await _ in stop { break }
        await simulator.stop()
    }
}

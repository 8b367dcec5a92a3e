import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator
import TokenWardenStore
import TokenWardenTestSupport

/// A create still being processed when tokenwarden stops (killed, or its request timed out) must not
/// leave a live token nobody holds: the next syncs keep sweeping until the create can no longer land,
/// then find the token it made and revoke it.
extension SubprocessSuites {
    /// One at a time (see `SubprocessSuites`).
    @Suite struct InFlightCreateTests {
        /// The provider takes 4 s to make the token; tokenwarden gives up on a request after 2 s, so a
        /// create may land until 2 + 2 × 2 = 6 s after it was sent (`HTTPPolicy.createSettles`).
        static let hold = 4.0

        enum Stop: String, CaseIterable, Sendable { case killed, timedOut }

        @Test(arguments: Stop.allCases)
        func aCreateStillInFlightWhenTokenwardenStopsLeavesNoOrphan(_ stop: Stop) async throws {
            let scenario = try await DeployBotScenario.start(
                faults: [SimulatorFault(provider: .awx, behaviour: .slowCreate(seconds: Self.hold), count: 1)],
                daemon: "request_timeout = \"2s\"")
            let (simulator, awx, dir, config, delivered) = (scenario.simulator, scenario.awx, scenario.dir, scenario.config, scenario.delivered)
            let first = try await BuiltProduct.run(["sync", "--config", config])
            #expect(first.status == 0, "\(first.stdout)\(first.stderr)")

            let rotate = try BuiltProduct.start(["rotate", "sim-awx/10", "--yes", "--config", config])
            if stop == .killed {
                // Killed while the provider holds its create: the request has arrived, no answer has left.
                let waited = ContinuousClock.now
                while await awx.createRequests == 0, ContinuousClock.now - waited < .seconds(30) { try await Task.sleep(for: .milliseconds(10)) }
                kill(rotate.pid, SIGKILL)
            }
            let ended = try await rotate.wait()
            let database = dir.subpath("sim/state/tokenwarden.sqlite")
            func rotation() throws -> RotationRecord? {
                try TokenStore.openReadOnly(path: database).rotations(provider: "sim-awx", tokenID: "10").first
            }

            // At once, and again until the rotation ends: the create lands 4 s after it was sent.
            var syncs: [BuiltProduct.Result] = []
            var states: [RotationState] = []
            let started = ContinuousClock.now
            repeat {
                syncs.append(try await BuiltProduct.run(["sync", "--config", config]))
                states.append(try rotation()?.state ?? .planned)
            } while states.last?.isFinished != true && ContinuousClock.now - started < .seconds(60)
            let live = await awx.tokens.filter { !$0.revoked && SuccessorName.base(of: $0.name) == "deploy-bot" }.map(\.id)
            let issued = await awx.issuedSecrets
            let requests = await awx.createRequests
            await simulator.stop()

            if stop == .killed {
                #expect(ended.signal == SIGKILL, "\(ended.stdout)\(ended.stderr)")
            } else {
                #expect(ended.status == 1 && ended.stdout.contains("will be resumed next cycle"), "\(ended.stdout)\(ended.stderr)")
            }
            #expect(requests == 1)
            #expect(states.first == .planned, "the first sweep, before the create landed, must not conclude: \(states)")
            #expect(states.last == .failed, "\(states)")
            #expect(issued.count == 1, "the provider did make the token")
            #expect(live == ["10"], "the token made for the lost create is revoked, the old one untouched: live \(live)")
            let record = try #require(try rotation())
            #expect(record.newTokenID.map { issued[$0] != nil } == true, "the rotation found the token it made: \(record)")
            #expect(!FileManager.default.fileExists(atPath: delivered))
            for secret in issued.values {
                for run in [first, ended] + syncs { #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret)) }
            }
        }
    }
}

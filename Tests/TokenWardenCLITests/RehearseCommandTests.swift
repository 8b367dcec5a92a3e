import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator
import TokenWardenTestSupport

/// `tokenwarden rehearse` through the real binary: exit codes, JSON, what status and validate show.
@Suite struct RehearseCommandTests {
    @Test func aPassedAndAFailedRehearsalExitZeroAndOneAndStatusAndValidateShowThem() async throws {
        let simulator = try await ProviderSimulator.start(
            .init(tokensPerProvider: 3, faults: [SimulatorFault(provider: .aap, behaviour: .createForAnotherUser, count: 1)]))
        let dir = try TemporaryDirectory()
        let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"))
        let before = await simulator.provider(.aap).tokens.map(\.id)
        let passed = try await BuiltProduct.run(["rehearse", "sim-awx", "--config", config])
        let failed = try await BuiltProduct.run(["rehearse", "sim-aap", "--json", "--config", config])
        let unknown = try await BuiltProduct.run(["rehearse", "sim-nope", "--config", config])
        let validate = try await BuiltProduct.run(["validate", "--config", config])
        let status = try await BuiltProduct.run(["status", "--config", config])
        let after = await simulator.provider(.aap).tokens.filter { !$0.revoked }.map(\.id)
        let secrets = Array(await simulator.provider(.awx).issuedSecrets.values) + Array(await simulator.provider(.aap).issuedSecrets.values)
        await simulator.stop()
        _ = dir

        #expect(passed.status == 0, "\(passed.stdout)\(passed.stderr)")
        #expect(passed.stdout.contains("8 gone") && passed.stdout.contains("rehearsal of sim-awx: passed "), "\(passed.stdout)")
        #expect(failed.status == 1, "\(failed.stdout)\(failed.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(failed.stdout.utf8)) as? [String: Any])
        #expect(json["passed"] as? Bool == false && json["failed_step"] as? Int == 4 && json["provider"] as? String == "sim-aap")
        let steps = try #require(json["steps"] as? [[String: Any]])
        #expect(steps.count == 8)
        #expect((steps[3]["evidence"] as? String)?.contains("the new token belongs to alice") == true, "\(steps[3])")
        #expect(steps[6]["result"] as? String == "passed", "the probe was revoked")
        #expect(after == before, "no probe is left live and no existing token was touched")
        #expect(unknown.status == 2 && unknown.stderr.contains("no provider has id \"sim-nope\""), "\(unknown.stderr)")
        #expect(validate.stdout.contains("sim-awx: passed ") && validate.stdout.contains("sim-aap: failed "), "\(validate.stdout)")
        #expect(validate.stdout.contains("sim-cryptlex: never run"), "\(validate.stdout)")
        #expect(status.stdout.contains("last rehearsal of sim-aap: failed ") && status.stdout.contains("at step 4"), "\(status.stdout)")
        #expect(secrets.count == 2)
        for secret in secrets {
            for run in [passed, failed, validate, status] { #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret)) }
        }
    }
}

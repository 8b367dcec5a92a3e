import Foundation
import Testing
import TokenWardenCore
import TokenWardenTestSupport

@testable import TokenWardenConfig

/// `[[provider]] rotate_own_credential`: accepted only where tokenwarden can make and recognise a
/// successor of its own credential, with each refusal at its file:line.
@Suite struct RotateOwnCredentialConfigTests {
    func load(_ provider: String) throws -> (providers: [ProviderConfig], problems: [String]) {
        let dir = try TemporaryDirectory()
        let path = try dir.write("tokenwarden.toml", "[[provider]]\n" + provider)
        let report = ConfigLoader(environment: [:]).read(path: path)
        return (report.configuration?.providers ?? [], report.problems.map { $0.description.replacingOccurrences(of: path, with: "CONFIG") })
    }

    @Test(arguments: [
        (
            "id = \"pco\"\nkind = \"planningcenter\"\nbase_url = \"https://api.planningcenteronline.com\"\ncredential = \"pco\"\n"
                + "rotate_own_credential = \"30d\"",
            "CONFIG:6: provider \"pco\", key \"rotate_own_credential\": Planning Center has no API to create tokens"
        ),
        (
            "id = \"awx\"\nkind = \"awx\"\nbase_url = \"https://awx.example.com\"\ncredential = \"awx\"\nrotate_own_credential = \"30d\"",
            "CONFIG:6: provider \"awx\", key \"rotate_own_credential\": needs self_token_id"
        ),
        (
            "id = \"sp\"\nkind = \"sailpoint\"\nbase_url = \"https://acme.api.identitynow.com\"\ncredential = \"sp\"\n"
                + "rotate_own_credential = \"12h\"",
            "CONFIG:6: provider \"sp\", key \"rotate_own_credential\": must be at least 1d"
        ),
    ])
    func isRefusedWhereItCannotWorkAtItsLine(provider: String, problem: String) throws {
        let found = try load(provider).problems
        #expect(found.count == 1 && found[0].hasPrefix(problem), "\(found)")
    }

    @Test func isReadForSailPointWithoutSelfTokenIDAndForAWXWithIt() throws {
        let sailPoint = try load(
            "id = \"sp\"\nkind = \"sailpoint\"\nbase_url = \"https://acme.api.identitynow.com\"\ncredential = \"sp\"\n"
                + "rotate_own_credential = \"30d\"")
        #expect(sailPoint.problems.isEmpty, "\(sailPoint.problems)")
        #expect(sailPoint.providers.first?.rotateOwnCredential == .days(30))
        let awx = try load(
            "id = \"awx\"\nkind = \"awx\"\nbase_url = \"https://awx.example.com\"\ncredential = \"awx\"\nself_token_id = 42\n"
                + "rotate_own_credential = \"14d\"")
        #expect(awx.problems.isEmpty, "\(awx.problems)")
        #expect(awx.providers.first?.rotateOwnCredential == .days(14))
    }
}

import Testing
import TokenWardenCore

@Suite struct CredentialTests {
    static let secret = "s3cr3t-PLANTED-7f9a"

    @Test(arguments: ["app-id:\(secret)\n", "app-id:\(secret)\r\n", "app-id:\(secret)"])
    func readsAPairIgnoringOneTrailingNewline(content: String) throws {
        let credential = try Credential(content: content, format: ProviderKind.planningCenter.credentialFormat)
        guard case .pair(let id, let secret) = credential.value else {
            Issue.record("expected a pair")
            return
        }
        #expect(id == "app-id")
        #expect(secret == Self.secret)
        #expect(credential.publicIdentifier == "app-id")
    }

    @Test func readsABearerToken() throws {
        let credential = try Credential(content: Self.secret + "\n", format: ProviderKind.awx.credentialFormat)
        guard case .bearer(let token) = credential.value else {
            Issue.record("expected a bearer token")
            return
        }
        #expect(token == Self.secret)
        #expect(credential.publicIdentifier == nil)
    }

    @Test(arguments: [
        ("", Credential.Format.bearer, "the file is empty"), ("\n", .bearer, "the file is empty"),
        ("a\nb\n", .bearer, "more than one line"), ("tok en", .bearer, "white space"),
        ("no-colon-\(secret)", .pair(left: "CLIENT_ID", right: "CLIENT_SECRET"), "expected CLIENT_ID:CLIENT_SECRET"),
        (":\(secret)", .pair(left: "CLIENT_ID", right: "CLIENT_SECRET"), "expected CLIENT_ID:CLIENT_SECRET"),
        ("id:", .pair(left: "CLIENT_ID", right: "CLIENT_SECRET"), "expected CLIENT_ID:CLIENT_SECRET"),
    ])
    func refusesMalformedContentWithoutQuotingIt(content: String, format: Credential.Format, reason: String) {
        #expect {
            try Credential(content: content, format: format)
        } throws: { error in
            let message = "\(error)"
            return message.contains(reason) && !message.contains(Self.secret)
        }
    }

    @Test func neverPrintsTheSecret() throws {
        let credential = try Credential(content: "id:\(Self.secret)", format: .pair(left: "A", right: "B"))
        var dumped = ""
        dump(credential, to: &dumped)
        dump(credential.value, to: &dumped)
        #expect(!dumped.contains(Self.secret))
        for text in ["\(credential)", String(describing: credential), String(reflecting: credential), "\(credential.value)"] {
            #expect(!text.contains(Self.secret))
            #expect(text.contains("redacted"))
        }
    }
}

import Foundation
import Testing

@testable import TokenWardenProviders

/// A server that echoes a credential back, in any form, never gets it into an error message.
@Suite struct SecretScrubberTests {
    static let secret = "PLANTED/se+cr\"et=0b7c91"

    @Test(arguments: [
        secret,
        Data(secret.utf8).base64EncodedString(),
        secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!,
        "PLANTED\\/se+cr\\\"et=0b7c91",
    ])
    func everyDerivedFormIsRemoved(echoed: String) {
        let excerpt = SecretScrubber([Self.secret]).excerpt(of: Array("{\"error\": \"bad token \(echoed)\"}".utf8))
        #expect(excerpt == " (server said: {\"error\": \"bad token <redacted>\"})", "\(excerpt)")
    }

    @Test func aSecretAcrossTheCutIsScrubbedBeforeTheCut() {
        // 290 characters, then the secret: cutting at 300 first would have left its head.
        let body = String(repeating: "x", count: 290) + Self.secret + " trailing"
        let excerpt = SecretScrubber([Self.secret]).excerpt(of: Array(body.utf8))
        #expect(!excerpt.contains("PLANTED"), "\(excerpt)")
        #expect(excerpt.contains("<redact"))
    }

    @Test func anAccessTokenTheServerMintedIsScrubbedAsTheRequestsAuthorizationValue() {
        // SailPoint's access token is never in a file: the connection adds the request's own
        // Authorization value, and the token after its scheme, to what is scrubbed.
        let jwt = "eyJhbGciOiJSUzI1NiJ9.PLANTED-access-token"
        let said = SecretScrubber(["Bearer " + jwt, jwt]).excerpt(of: Array("got Bearer \(jwt); token \(jwt) refused".utf8))
        #expect(said == " (server said: got <redacted>; token <redacted> refused)", "\(said)")
    }
}

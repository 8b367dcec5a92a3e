import Foundation
import Testing
import TokenWardenCore

@Suite struct OwnerMapTests {
    static let map = OwnerMap(
        entries: [
            OwnerMap.Entry(owner: Glob("alice"), recipient: .address("alice@example.com")),
            OwnerMap.Entry(owner: Glob("svc-*"), recipient: .notifier("platform")),
            OwnerMap.Entry(owner: Glob("u-42"), recipient: .address("owner42@example.com")),
        ], fallback: "ops", mail: "mail", providerAddresses: true)

    static func token(owner: String?, id ownerID: String? = nil, email: String? = nil) -> Token {
        var extras: [String: String] = [:]
        if let ownerID { extras["owner_id"] = ownerID }
        if let email { extras[OwnerMap.addressExtra] = email }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        return Token(provider: "p", id: "1", name: "t", owner: owner, state: .active, firstSeenAt: now, lastSeenAt: now, extras: extras)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let token: Token
        let resolution: OwnerMap.Resolution
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "named owner", token: token(owner: "alice"), resolution: .mapped(.address("alice@example.com"))),
        Case(label: "glob to a notifier", token: token(owner: "svc-ci"), resolution: .mapped(.notifier("platform"))),
        Case(label: "provider's owner id", token: token(owner: nil, id: "u-42"), resolution: .mapped(.address("owner42@example.com"))),
        Case(
            label: "the map before the provider's address", token: token(owner: "alice", email: "a@x.example"),
            resolution: .mapped(.address("alice@example.com"))),
        Case(
            label: "provider's address", token: token(owner: "carol", email: "carol@example.com"), resolution: .providerAddress("carol@example.com")),
        Case(label: "hostile address", token: token(owner: "eve", email: "eve@example.com\r\nBcc: all@example.com"), resolution: .fallback("ops")),
        Case(label: "two at signs", token: token(owner: "eve", email: "eve@a@b"), resolution: .fallback("ops")),
        Case(label: "no one", token: token(owner: "bob"), resolution: .fallback("ops")),
        Case(label: "no owner at all", token: token(owner: nil), resolution: .fallback("ops")),
    ]

    @Test(arguments: cases)
    func anOwnerResolvesThroughTheMapThenTheProvidersAddressThenTheFallback(_ row: Case) {
        #expect(Self.map.resolve(row.token) == row.resolution)
    }

    /// With `provider_addresses = false`, or without a mail notifier to send through, a provider's
    /// address is not used.
    @Test func providerAddressesAreUsedOnlyWhenAllowedAndSendable() {
        var map = Self.map
        map.providerAddresses = false
        #expect(map.resolve(Self.token(owner: "carol", email: "carol@example.com")) == .fallback("ops"))
        map.providerAddresses = true
        map.mail = nil
        #expect(map.resolve(Self.token(owner: "carol", email: "carol@example.com")) == .fallback("ops"))
    }

    /// Off unless the admin says so: the first `sync` mails no address nobody configured.
    @Test func providerAddressesAreOffByDefault() {
        let map = OwnerMap(fallback: "ops", mail: "mail")
        #expect(!map.providerAddresses)
        #expect(map.resolve(Self.token(owner: "carol", email: "carol@example.com")) == .fallback("ops"))
    }
}

import Foundation
import Testing
import TokenWardenCore
import TokenWardenProviders

/// The example payloads of docs/providers.md (from the vendors' documentation), served verbatim:
/// each driver must read every documented field into the right fact.
@Suite struct ProviderContractTests {
    func listed(_ kind: ProviderKind, credential: String, bodies: [String: String]) async throws -> [ObservedToken] {
        let server = try await CannedServer.start(bodies)
        do {
            let tokens = try await SimulatorHarness.withClient { http in
                let provider = ProviderConfig(id: "contract", kind: kind, baseURL: server.base, credential: .systemd(name: "x"))
                let driver = try ProviderDrivers.make(
                    for: provider, credential: Credential(content: credential, format: kind.credentialFormat), http: http)
                return try await collect(driver.tokens()).tokens
            }
            await server.stop()
            return tokens
        } catch {
            await server.stop()
            throw error
        }
    }

    static func date(_ text: String) -> Date { (try? ProviderTimestamp.parse(text).date)! }

    @Test func planningCenter() async throws {
        let tokens = try await listed(
            .planningCenter, credential: "app:secret",
            bodies: [
                "/api/v2/personal_access_tokens": """
                { "links": { "self": "https://api.planningcenteronline.com/api/v2/personal_access_tokens?per_page=25" },
                  "data": [ { "type": "PersonalAccessToken", "id": "412345",
                              "attributes": { "name": "ChMS sync" },
                              "links": { "self": "https://api.planningcenteronline.com/api/v2/personal_access_tokens/412345" } } ],
                  "included": [],
                  "meta": { "total_count": 1, "count": 1 } }
                """
            ])
        #expect(tokens == [ObservedToken(id: "412345", name: "ChMS sync")])
    }

    @Test func sailPoint() async throws {
        let tokens = try await listed(
            .sailPoint, credential: "86f1dc6f:secret",
            bodies: [
                "/oauth/token": #"{"access_token":"eyJhbGciOi","token_type":"bearer","expires_in":43199}"#,
                "/v3/personal-access-tokens": """
                [ { "id": "86f1dc6f…", "name": "inventory-daemon", "scope": ["sp:scopes:all"],
                    "owner": { "type": "IDENTITY", "id": "2c91…", "name": "Jane Doe" },
                    "created": "2025-07-11T18:45:37.098Z", "lastUsed": "2025-09-02T00:00:00.000Z",
                    "managed": false, "accessTokenValiditySeconds": 43200,
                    "expirationDate": "2026-01-11T18:45:37.098Z", "userAwareTokenNeverExpires": false } ]
                """,
            ])
        #expect(
            tokens == [
                ObservedToken(
                    id: "86f1dc6f…", name: "inventory-daemon", owner: "Jane Doe", scopes: ["sp:scopes:all"],
                    createdAt: Self.date("2025-07-11T18:45:37.098Z"), expiresAt: Self.date("2026-01-11T18:45:37.098Z"),
                    lastUsedAt: Self.date("2025-09-02T00:00:00.000Z"),
                    extras: ["managed": "false", "owner_id": "2c91…", "access_token_validity_seconds": "43200"])
            ])
    }

    @Test func cryptlex() async throws {
        let tokens = try await listed(
            .cryptlex, credential: "pat",
            bodies: [
                "/v3/personal-access-tokens?page=2&limit=100": "[]",
                "/v3/personal-access-tokens": """
                [ { "id": "a1b2c3d4-…", "createdAt": "2025-01-10T08:00:00Z", "updatedAt": "2025-03-01T09:30:00Z",
                    "name": "ci-release", "expiresAt": null, "revoked": false,
                    "scopes": ["license:read", "release:write"], "userId": "u-123", "user": { "id": "u-123" },
                    "lastUsedAt": "2025-06-30T12:00:00Z", "lastRotatedAt": null } ]
                """,
            ])
        #expect(
            tokens == [
                ObservedToken(
                    id: "a1b2c3d4-…", name: "ci-release", owner: "u-123", scopes: ["license:read", "release:write"],
                    createdAt: Self.date("2025-01-10T08:00:00Z"), lastUsedAt: Self.date("2025-06-30T12:00:00Z"),
                    extras: ["owner_id": "u-123"])
            ])
    }

    @Test func synergy() async throws {
        let tokens = try await listed(
            .synergy, credential: "pat",
            bodies: [
                "/api/v1/auth/getPersonalAccessTokens": """
                [ { "UserID": { "_id": 1, "_server_id": 1, "_server_guid": "b993c729-…", "IDString": "1_1" },
                    "CreatedOn": "2025-03-14T10:53:38.823+08:00", "Expiry": "2025-09-10T10:53:38.67+08:00",
                    "Name": "Teams integ", "ExpiryReminderState": 0, "ID": 1 } ]
                """
            ])
        #expect(
            tokens == [
                ObservedToken(
                    id: "1", name: "Teams integ", owner: "1_1", createdAt: Self.date("2025-03-14T02:53:38.823Z"),
                    expiresAt: Self.date("2025-09-10T02:53:38.670Z"), extras: ["ExpiryReminderState": "0", "owner_id": "1_1"])
            ])
    }

    @Test func awx() async throws {
        let tokens = try await listed(
            .awx, credential: "pat",
            bodies: [
                "/api/v2/tokens/": """
                { "count": 1, "next": null, "previous": null, "results": [
                  { "id": 4, "type": "o_auth2_access_token", "url": "/api/v2/tokens/4/",
                    "related": { "user": "/api/v2/users/1/" }, "summary_fields": { "user": { "id": 1, "username": "root" } },
                    "created": "2025-02-23T14:39:32.618932Z", "modified": "2025-02-23T14:39:32.643626Z",
                    "description": "inventory daemon", "user": 1, "token": "************", "refresh_token": null,
                    "application": null, "expires": "3024-06-25T14:39:32.618279Z", "scope": "read" } ] }
                """
            ])
        #expect(
            tokens == [
                ObservedToken(
                    id: "4", name: "inventory daemon", owner: "root", scopes: ["read"],
                    createdAt: Self.date("2025-02-23T14:39:32.618932Z"), expiresAt: Self.date("3024-06-25T14:39:32.618279Z"),
                    extras: ["user_id": "1"])
            ])
    }

    /// AAP 2.5+'s gateway: django-ansible-base's token serializer emits every concrete field of the
    /// token model, `last_used` among them; the value is `$encrypted$` outside the create answer.
    @Test func aapGateway() async throws {
        let tokens = try await listed(
            .aap, credential: "pat",
            bodies: [
                "/api/gateway/v1/tokens/": """
                { "count": 1, "next": null, "previous": null, "results": [
                  { "id": 12, "url": "/api/gateway/v1/tokens/12/", "related": { "user": "/api/gateway/v1/users/3/" },
                    "summary_fields": { "user": { "id": 3, "username": "deploy-bot" } },
                    "created": "2025-05-02T08:01:02.123456Z", "modified": "2025-05-02T08:01:02.123456Z",
                    "user": 3, "application": null, "description": "ci", "last_used": "2025-09-30T11:12:13.000001Z",
                    "scope": "read write", "expires": "3025-05-02T08:01:02.123456Z", "token": "$encrypted$", "refresh_token": null } ] }
                """
            ])
        #expect(
            tokens == [
                ObservedToken(
                    id: "12", name: "ci", owner: "deploy-bot", scopes: ["read", "write"],
                    createdAt: Self.date("2025-05-02T08:01:02.123456Z"), expiresAt: Self.date("3025-05-02T08:01:02.123456Z"),
                    lastUsedAt: Self.date("2025-09-30T11:12:13.000001Z"), extras: ["user_id": "3"])
            ])
    }

    @Test func anAnsibleBaseURLThatAnswersLikeTheOtherKindSaysWhichKindToUse() async throws {
        func failure(_ kind: ProviderKind, served path: String) async throws -> ProviderError? {
            let server = try await CannedServer.start([path: #"{ "count": 0, "next": null, "results": [] }"#])
            let error = try await SimulatorHarness.withClient { http in
                let provider = ProviderConfig(id: "ansible", kind: kind, baseURL: server.base, credential: .systemd(name: "x"))
                let driver = try ProviderDrivers.make(for: provider, credential: Credential(content: "pat", format: .bearer), http: http)
                return await providerError { _ = try await collect(driver.tokens()) }
            }
            await server.stop()
            return error
        }
        let awxAtGateway = try await failure(.awx, served: "/api/gateway/v1/tokens/")
        #expect(
            awxAtGateway?.kind == .notFound && awxAtGateway?.message.contains("use kind = \"aap\"") == true, "\(String(describing: awxAtGateway))")
        let aapAtController = try await failure(.aap, served: "/api/v2/tokens/")
        #expect(aapAtController?.message.contains("use kind = \"awx\"") == true, "\(String(describing: aapAtController))")
    }

    /// `delete-pat`'s answer for an unknown id is undocumented: an OK for a token still listed
    /// afterwards must not be reported as a revoke.
    @Test func aSynergyDeleteThatLeavesTheTokenListedIsAFailureNotARevoke() async throws {
        let server = try await CannedServer.start([
            "/api/v1/auth/getPersonalAccessTokens": #"[ { "Name": "jobs", "ID": 7, "UserID": { "IDString": "1_1" } } ]"#,
            "/api/v1/auth/delete-pat?id=7": "",
        ])
        let (kept, missing) = try await SimulatorHarness.withClient { http in
            let provider = ProviderConfig(id: "synergy", kind: .synergy, baseURL: server.base, credential: .systemd(name: "x"))
            let driver = try ProviderDrivers.make(for: provider, credential: Credential(content: "pat", format: .bearer), http: http)
            return (await providerError { _ = try await driver.revoke(tokenID: "7") }, try await driver.revoke(tokenID: "8"))
        }
        await server.stop()
        #expect(kept?.message.contains("still listed; it was not deleted") == true, "\(String(describing: kept))")
        #expect(missing == .alreadyGone, "a token the listing does not hold is not deleted, and not reported revoked")
    }

    @Test func aTimestampWithoutOffsetIsReadAsUTCAndFlagged() async throws {
        let tokens = try await listed(
            .synergy, credential: "pat",
            bodies: [
                "/api/v1/auth/getPersonalAccessTokens": """
                [ { "CreatedOn": "2024-12-17T22:51:58.097", "Expiry": "not a date", "Name": "jobs", "ID": 7 } ]
                """
            ])
        #expect(tokens.first?.createdAt == Self.date("2024-12-17T22:51:58.097Z"))
        #expect(tokens.first?.expiresAt == nil)
        #expect(tokens.first?.extras == ["timestamps_without_offset": "CreatedOn", "unreadable_Expiry": "not a date"])
    }

    /// A page can hold only application tokens, which are not inventoried; the listing must go on.
    @Test func anAWXPageOfOnlyApplicationTokensDoesNotEndTheListing() async throws {
        func token(_ id: Int, application: String) -> String {
            #"{ "id": \#(id), "description": "t\#(id)", "user": 1, "created": "2025-02-23T14:39:32Z", "expires": null, "#
                + #""scope": "read", "application": \#(application) }"#
        }
        let tokens = try await listed(
            .awx, credential: "pat",
            bodies: [
                "/api/v2/tokens/": #"{ "count": 3, "next": "/api/v2/tokens/?page=2", "results": [\#(token(1, application: "null"))] }"#,
                "/api/v2/tokens/?page=2": #"{ "count": 3, "next": "/api/v2/tokens/?page=3", "results": [\#(token(2, application: "7"))] }"#,
                "/api/v2/tokens/?page=3": #"{ "count": 3, "next": null, "results": [\#(token(3, application: "null"))] }"#,
            ])
        #expect(tokens.map(\.id) == ["1", "3"])
    }
}

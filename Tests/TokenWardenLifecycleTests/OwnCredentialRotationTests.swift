import Foundation
import Testing
import TokenWardenConfig
import TokenWardenCore
import TokenWardenJournal
import TokenWardenProviders
import TokenWardenSimulator
import TokenWardenStore
import TokenWardenTestSupport

@testable import TokenWardenLifecycle

/// `[[provider]] rotate_own_credential`: tokenwarden replaces its own credential before it expires,
/// proves the successor signs in, keeps it in the state directory and uses it from then on, through
/// whole cycles against the simulator on the test clock.
@Suite struct OwnCredentialRotationTests {
    /// A rule that never matches: what happens here is built in.
    static let policy = OwnCredentialExpiryTests.policy

    /// The harness's own AWX token (`self_token_id` 999999), made 300 days ago and expiring in 20.
    static func ownAWXToken() -> ObservedToken {
        var own = ObservedToken(
            id: "999999", name: "tokenwarden", owner: "admin", scopes: ["write"], createdAt: Date().addingTimeInterval(-300 * 86_400))
        own.expiresAt = Date().addingTimeInterval(20 * 86_400).atMillisecondPrecision
        return own
    }

    /// The shelf file of `provider` in the harness's state directory, decoded.
    static func stored(_ harness: LifecycleHarness, _ provider: ProviderConfig) throws -> OwnCredentialShelf.Entry? {
        try OwnCredentialShelf(stateDirectory: harness.configuration.daemon.stateDirectory)
            .entry(of: provider, loader: CredentialLoader(environment: [:]))
    }

    /// The events of one kind in a cycle's report. A function of its own: the same filter written in
    /// the test's closure below gave an empty array for a report holding such an event (Swift 6.3.1,
    /// whose SendNonSendable pass also crashed on that closure).
    static func events(of kind: JournalEvent.Kind, in report: CycleReport) -> [JournalEvent] {
        report.events.filter { $0.kind == kind }
    }

    @Test func aSailPointPATExpiringIn20DaysIsReplacedSignedInWithAndUsedThenTheOldOneRevoked() async throws {
        try await LifecycleHarness.with(kinds: [.sailPoint], tokens: [.sailPoint: []], policy: Self.policy, enforce: true) { harness in
            var harness = harness
            harness.configuration.providers[0].rotateOwnCredential = .days(30)
            let provider = harness.configuration.providers[0]
            let sailPoint = harness.simulator.provider(.sailPoint)
            let oldID = String(sailPoint.credential.split(separator: ":")[0])
            // Made 160 days ago for six months (SailPoint's longest), so it expires in 20 days.
            await sailPoint.setLifetime(
                of: oldID, createdAt: harness.clock.now.addingTimeInterval(-160 * 86_400).atMillisecondPrecision,
                expiresAt: harness.clock.now.addingTimeInterval(20 * 86_400).atMillisecondPrecision)

            let before = CycleSetup(
                configuration: harness.configuration, policies: try LifecycleHarness.policies(of: harness.configuration), http: harness.http)
            let first = try await harness.cycle()
            #expect(first.polls.allSatisfy { $0.succeeded })
            let delivered = first.events.filter { $0.kind == .rotationDelivered }
            #expect(delivered.count == 1, "\(first.events.map(\.message))")
            #expect(before.credentialsChanged, "a setup read before sees the change, so the daemon reads its credentials again")
            #expect(!before.reloadingCredentials().credentialsChanged)
            let entry = try #require(try Self.stored(harness, provider))
            let secret = try #require(await sailPoint.issuedSecrets[entry.tokenID])
            #expect(entry.credential.revealContent() == "\(entry.tokenID):\(secret)", "SailPoint's client id is the new PAT's id")
            #expect(entry.previous == nil, "the configured credential was in use before")
            let path = OwnCredentialShelf(stateDirectory: harness.configuration.daemon.stateDirectory).path(of: provider.id)
            var info = stat()
            #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600 && info.st_uid == geteuid())

            // From now on tokenwarden's own token is the successor; the replaced one stays protected.
            let context = PolicyContext(configuration: harness.configuration, policies: try LifecycleHarness.policies(of: harness.configuration))
            #expect(context.ownTokenIDs[provider.id] == entry.tokenID)
            #expect(context.protected.isSuperset(of: ["\(provider.id)/\(entry.tokenID)", "\(provider.id)/\(oldID)"]))

            // Within the hour's overlap the old PAT stays; after it, the next cycle revokes it.
            #expect(try await harness.cycle().events.allSatisfy { $0.kind != .tokenRotated })
            harness.clock.advance(by: OwnCredentialRotation.overlap.timeInterval + 60)
            let second = try await harness.cycle()
            #expect(second.events.contains { $0.kind == .tokenRotated }, "\(second.events.map(\.message))")
            #expect(await sailPoint.tokens.contains { $0.id == oldID } == false, "SailPoint deletes a PAT")
            #expect(try Self.stored(harness, provider)?.previous == nil)

            // The configured credential no longer signs in, and the cycles go on: they use the successor.
            let old = try ProviderDrivers.make(
                for: provider, credential: try Credential(content: sailPoint.credential, format: provider.kind.credentialFormat),
                http: harness.http)
            await #expect(throws: (any Error).self) {
                var pages = old.tokens().makeAsyncIterator()
                _ = try await pages.next()
            }
            let third = try await harness.cycle()
            #expect(third.polls.count == 1 && third.polls.allSatisfy { $0.succeeded }, "\(third.events.map(\.message))")
            #expect(try harness.store.token(provider: provider.id, id: entry.tokenID)?.state == .active)

            // The successor's secret reached no journal entry and no byte of the database.
            let messages = (first.events + second.events + third.events).map(\.message).joined()
            #expect(!messages.contains(secret))
            for bytes in try harness.databaseBytes() { #expect(bytes.range(of: Data(secret.utf8)) == nil) }
        }
    }

    /// The successor's own turn: the second successor replaces the first, which is kept as
    /// `previous` until it is revoked (signed in with the second), and both stand in for the same
    /// configured credential, so tokenwarden never falls back to the PAT revoked the first time.
    @Test func aSecondRotationReplacesTheFirstSuccessorAndForgetsItOnceRevoked() async throws {
        try await LifecycleHarness.with(kinds: [.sailPoint], tokens: [.sailPoint: []], policy: Self.policy, enforce: true) { harness in
            var harness = harness
            harness.configuration.providers[0].rotateOwnCredential = .days(30)
            let provider = harness.configuration.providers[0]
            let sailPoint = harness.simulator.provider(.sailPoint)
            let expiringIn20Days = { (id: String) in
                await sailPoint.setLifetime(
                    of: id, createdAt: harness.clock.now.addingTimeInterval(-160 * 86_400).atMillisecondPrecision,
                    expiresAt: harness.clock.now.addingTimeInterval(20 * 86_400).atMillisecondPrecision)
            }
            let configuredID = String(sailPoint.credential.split(separator: ":")[0])
            await expiringIn20Days(configuredID)
            _ = try await harness.cycle()
            harness.clock.advance(by: OwnCredentialRotation.overlap.timeInterval + 60)
            _ = try await harness.cycle()
            let first = try #require(try Self.stored(harness, provider))
            #expect(await !sailPoint.tokens.contains { $0.id == configuredID }, "the configured PAT was revoked")

            await expiringIn20Days(first.tokenID)
            let rotated = try await harness.cycle()
            #expect(rotated.events.contains { $0.kind == .rotationDelivered }, "\(rotated.events.map(\.message))")
            let second = try #require(try Self.stored(harness, provider))
            #expect(second.tokenID != first.tokenID)
            #expect(second.previous?.tokenID == first.tokenID && second.previous?.credential.revealContent() == first.credential.revealContent())
            #expect(second.replaces == first.replaces, "it stands in for the same configured credential")
            let context = PolicyContext(configuration: harness.configuration, policies: try LifecycleHarness.policies(of: harness.configuration))
            #expect(context.ownTokenIDs[provider.id] == second.tokenID)

            harness.clock.advance(by: OwnCredentialRotation.overlap.timeInterval + 60)
            let revoked = try await harness.cycle()
            #expect(revoked.events.contains { $0.kind == .tokenRotated }, "\(revoked.events.map(\.message))")
            #expect(await !sailPoint.tokens.contains { $0.id == first.tokenID }, "the first successor is revoked")
            let kept = try #require(try Self.stored(harness, provider))
            #expect(kept.tokenID == second.tokenID && kept.previous == nil, "its credential is forgotten")
            #expect(try await harness.cycle().polls.allSatisfy { $0.succeeded }, "the second successor signs in")
        }
    }

    /// An admin's new configured credential wins over the stored successor, which is still a live
    /// token: each cycle signing in with the new one says so, naming it and never its secret, until
    /// the file is gone.
    @Test func aSuccessorOverriddenByANewConfiguredCredentialIsJournaledUntilItsFileIsGone() async throws {
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: [Self.ownAWXToken()]], policy: Self.policy, enforce: true) { harness in
            var harness = harness
            harness.configuration.providers[0].rotateOwnCredential = .days(30)
            let provider = harness.configuration.providers[0]
            #expect(try await harness.cycle().events.contains { $0.kind == .rotationDelivered })
            let stored = try #require(try Self.stored(harness, provider))
            guard case .file(let path) = provider.credential else {
                Issue.record("the harness's credential is a file")
                return
            }
            let replacement = await harness.simulator.provider(.awx).addAccount(forOwner: "admin")
            try FileManager.default.removeItem(atPath: path)
            #expect(FileManager.default.createFile(atPath: path, contents: Data(replacement.utf8), attributes: [.posixPermissions: 0o600]))

            for _ in 1...2 {
                let report = try await harness.cycle()
                #expect(report.polls.allSatisfy { $0.succeeded })
                let ignored = Self.events(of: .ownCredentialIgnored, in: report)
                #expect(
                    ignored.count == 1 && ignored[0].tokenID == stored.tokenID && ignored[0].priority == .warning,
                    "\(report.events.map { "\($0.kind) \($0.message)" })")
                #expect(ignored.first?.message.contains("revoke it (`tokenwarden revoke sim-awx/\(stored.tokenID)`)") == true)
                #expect(ignored.first?.message.contains(stored.credential.revealContent()) == false)
            }
            // An admin who copies the stored successor into the configured file is told nothing: it is in use.
            try FileManager.default.removeItem(atPath: path)
            #expect(
                FileManager.default.createFile(
                    atPath: path, contents: Data(stored.credential.revealContent().utf8), attributes: [.posixPermissions: 0o600]))
            #expect(Self.events(of: .ownCredentialIgnored, in: try await harness.cycle()).isEmpty)
            OwnCredentialShelf(stateDirectory: harness.configuration.daemon.stateDirectory).remove(provider: provider.id)
            #expect(Self.events(of: .ownCredentialIgnored, in: try await harness.cycle()).isEmpty)
        }
    }

    /// The store is not trusted to say what becomes tokenwarden's credential: a stored rotation
    /// that would make another token's successor its own is undone before anything is created.
    @Test func aStoredRotationOfAnotherTokenIntoTheOwnCredentialIsUndone() async throws {
        let tokens = [Self.ownAWXToken(), LifecycleHarness.token("10", "deploy-bot", createdDaysAgo: 100)]
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: tokens], policy: Self.policy, enforce: true) { harness in
            _ = try await harness.cycle()
            let token = try #require(try harness.store.token(provider: "sim-awx", id: "10"))
            _ = try harness.store.beginRotation(
                of: token, rule: nil, mode: .enforce, delivery: Delivery(target: .ownCredential(provider: "sim-awx")), overlap: .hours(1),
                reason: "planted", successorName: "deploy-bot (rotated)", at: harness.clock.now)
            let events = try await harness.cycle().events
            #expect(events.map(\.kind) == [.rotationFailed], "\(events.map(\.message))")
            let records = try harness.store.rotations(provider: "sim-awx", tokenID: "10")
            #expect(records.map(\.state) == [.failed])
            #expect(records.first?.failure?.contains("sim-awx/10 is not the token tokenwarden signs in to sim-awx with") == true)
            #expect(await harness.simulator.provider(.awx).issuedSecrets.isEmpty, "nothing was created")
            #expect(try Self.stored(harness, harness.configuration.providers[0]) == nil, "nothing was kept")
        }
    }

    @Test func aSuccessorThatCannotSignInIsRevokedTheOldCredentialKeptAndAnAlertRaised() async throws {
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: [Self.ownAWXToken()]], policy: Self.policy, enforce: true) { harness in
            var harness = harness
            harness.configuration.providers[0].rotateOwnCredential = .days(30)
            let provider = harness.configuration.providers[0]
            let awx = harness.simulator.provider(.awx)
            await awx.inject(SimulatorFault(provider: .awx, behaviour: .createUnusable, count: 1))

            let report = try await harness.cycle()
            let failed = try #require(report.events.first { $0.kind == .rotationFailed })
            #expect(failed.priority == .error, "an error entry is an alert to alert_to")
            #expect(failed.message.contains("signing in to sim-awx with the new credential failed"), "\(failed.message)")
            #expect(await awx.issuedSecrets.count == 1, "one successor was made")
            #expect(await !awx.tokens.contains { $0.id != "999999" && !$0.revoked }, "the successor that cannot sign in is revoked")
            #expect(await awx.tokens.first { $0.id == "999999" }?.revoked == false, "the old credential is untouched")
            #expect(try Self.stored(harness, provider) == nil, "nothing is stored")
            let context = PolicyContext(configuration: harness.configuration, policies: try LifecycleHarness.policies(of: harness.configuration))
            #expect(context.ownTokenIDs[provider.id] == "999999")
            #expect(try await harness.cycle().polls.allSatisfy { $0.succeeded }, "the configured credential still signs in")
            #expect(await awx.issuedSecrets.count == 1, "no second successor at the next cycle")
            #expect(try context.ownCredentialRotations(store: harness.store, now: harness.clock.now).map(\.hold) == [.retryLater])
        }
    }

    /// The old token is revoked only signed in with the successor, and only while that is the
    /// credential in use: with the stored file gone, tokenwarden signs in with the old one again.
    @Test func theOldTokenIsKeptWhileTokenwardenDoesNotSignInWithTheSuccessor() async throws {
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: [Self.ownAWXToken()]], policy: Self.policy, enforce: true) { harness in
            var harness = harness
            harness.configuration.providers[0].rotateOwnCredential = .days(30)
            let provider = harness.configuration.providers[0]
            let first = try await harness.cycle()
            #expect(first.events.contains { $0.kind == .rotationDelivered }, "\(first.events.map(\.message))")
            OwnCredentialShelf(stateDirectory: harness.configuration.daemon.stateDirectory).remove(provider: provider.id)

            harness.clock.advance(by: OwnCredentialRotation.overlap.timeInterval + 60)
            let second = try await harness.cycle()
            #expect(!second.events.contains { $0.kind == .tokenRotated })
            #expect(await harness.simulator.provider(.awx).tokens.first { $0.id == "999999" }?.revoked == false, "the old token is kept")
            let record = try #require(try harness.store.unfinishedRotations().first)
            #expect(record.state == .delivered)
            #expect(record.failure?.contains("not revoking the old token yet: tokenwarden does not sign in to sim-awx with its successor") == true)
            // One own-credential rotation at a time: the configured token is due again, and held.
            let context = PolicyContext(configuration: harness.configuration, policies: try LifecycleHarness.policies(of: harness.configuration))
            #expect(try context.ownCredentialRotations(store: harness.store, now: harness.clock.now).map(\.hold) == [.inProgress])
        }
    }

    @Test func reportOnlyShowsItDueAndCreatesNothingAndAPauseHoldsIt() async throws {
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: [Self.ownAWXToken()]], policy: Self.policy, enforce: false) { harness in
            var harness = harness
            harness.configuration.providers[0].rotateOwnCredential = .days(30)
            _ = try await harness.cycle()
            let context = PolicyContext(configuration: harness.configuration, policies: try LifecycleHarness.policies(of: harness.configuration))
            let reportOnly = try context.ownCredentialRotations(store: harness.store, now: harness.clock.now)
            #expect(reportOnly.count == 1 && reportOnly[0].isDue(at: harness.clock.now) && reportOnly[0].hold == .reportOnly)
            #expect(await harness.simulator.provider(.awx).writes == 0)

            harness.configuration.daemon.enforce = true
            _ = try harness.store.pause(Pause(provider: "sim-awx", since: harness.clock.now, until: nil, reason: "freeze", by: "root"))
            _ = try await harness.cycle()
            let enforced = PolicyContext(configuration: harness.configuration, policies: try LifecycleHarness.policies(of: harness.configuration))
            #expect(try enforced.ownCredentialRotations(store: harness.store, now: harness.clock.now).map(\.hold) == [.paused])
            #expect(await harness.simulator.provider(.awx).writes == 0, "paused: nothing is created")
        }
    }

    /// The precedence `validate` shows: the stored successor while the configured credential is the
    /// one it replaced; a new configured credential wins; nothing stored, the configured one.
    @Test func theStoredSuccessorStandsInOnlyForTheCredentialItReplaced() throws {
        let directory = try TemporaryDirectory()
        let configured = try directory.write("awx.credential", "configured-token\n", mode: 0o600)
        let state = directory.subpath("state")
        let provider = ProviderConfig(
            id: "awx", kind: .awx, baseURL: "https://awx.example.com", credential: .file(path: configured), selfTokenID: "7",
            rotateOwnCredential: .days(30))
        let loader = CredentialLoader(environment: [:])

        let nothingStored = try MainCredential.resolve(provider, stateDirectory: state, loader: loader)
        #expect(nothingStored.credential.revealContent() == "configured-token" && nothingStored.tokenID(of: provider) == "7")
        #expect(nothingStored.successor == nil)

        let shelf = OwnCredentialShelf(stateDirectory: state)
        try shelf.store(
            OwnCredentialShelf.Entry(
                tokenID: "8", replaces: OwnCredentialShelf.fingerprint(of: nothingStored.credential), createdAt: Date(),
                credential: try Credential(content: "successor-token", format: .bearer)),
            provider: "awx")
        let stored = try MainCredential.resolve(provider, stateDirectory: state, loader: loader)
        #expect(stored.credential.revealContent() == "successor-token" && stored.tokenID(of: provider) == "8")
        #expect(stored.replacedTokenID(of: provider) == "7")
        #expect(stored.summary.contains("tokenwarden's own successor (token 8") && !stored.summary.contains("successor-token"))

        _ = try directory.write("awx.credential", "admin-put-a-new-one\n", mode: 0o600)
        let overridden = try MainCredential.resolve(provider, stateDirectory: state, loader: loader)
        #expect(overridden.credential.revealContent() == "admin-put-a-new-one" && overridden.tokenID(of: provider) == "7")
        #expect(overridden.summary.contains("changed after tokenwarden stored its successor"))

        chmod(shelf.path(of: "awx"), 0o644)
        #expect(throws: CredentialError.self) { try MainCredential.resolve(provider, stateDirectory: state, loader: loader) }
    }
}

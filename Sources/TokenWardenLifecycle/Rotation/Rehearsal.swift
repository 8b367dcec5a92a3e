import Foundation
import TokenWardenCore
import TokenWardenProviders
import TokenWardenStore

/// `tokenwarden rehearse`: proves at the admin's own tenant that a rotation can work, on a probe token
/// of its own and never on an existing one. List; create a probe with the shortest lifetime the
/// provider allows; check its secret, its owner and every field the driver reads; sign in with it; revoke
/// it; confirm it is gone. Whatever fails, the probe is revoked before `run` returns, and the run is in
/// the store before the probe is created, so a crash leaves it for `sweep` to find.
public struct Rehearsal: Sendable {
    public typealias Step = RehearsalRecord.Step

    let provider: ProviderConfig
    /// The provider's main credential: lists, revokes and confirms.
    let driver: any ProviderDriver
    /// Creates the probe: the main driver, or `--owner`'s credential.
    let signer: any ProviderDriver
    /// The id of the signer's own token where it is one (SailPoint's client id): whose it is tells
    /// who signs in where the API has no `me` endpoint.
    let signerTokenID: String?
    /// A driver signed in with the probe's own secret.
    let probeDriver: @Sendable (Credential) throws -> any ProviderDriver
    let store: TokenStore
    let owner: String?
    let now: @Sendable () -> Date

    public init(
        provider: ProviderConfig, driver: any ProviderDriver, signer: any ProviderDriver, signerTokenID: String?, owner: String?,
        store: TokenStore, now: @escaping @Sendable () -> Date = { Date() },
        probeDriver: @escaping @Sendable (Credential) throws -> any ProviderDriver
    ) {
        self.provider = provider
        self.driver = driver
        self.signer = signer
        self.signerTokenID = signerTokenID
        self.owner = owner
        self.store = store
        self.now = now
        self.probeDriver = probeDriver
    }

    /// The prefix of every probe's name; the rest is 8 random hex digits.
    public static let probePrefix = "tokenwarden-rehearsal-"

    static let names = ["list", "create", "secret", "owner", "use", "fields", "revoke", "gone"]

    /// The narrowest scopes a probe is created with (it must be able to sign in and list): what a
    /// rotation copies is the old token's scopes, never these.
    static func probeScopes(_ kind: ProviderKind) -> [String] {
        switch kind {
        case .sailPoint: ["sp:scopes:default"]
        case .cryptlex: ["personalAccessToken:read"]
        case .awx, .aap: ["read"]
        case .synergy, .planningCenter: []
        }
    }

    /// Runs every step and records the result; returns it.
    public func run() async throws -> RehearsalRecord {
        let probeName = Self.probePrefix + String(format: "%08x", UInt32.random(in: 0...UInt32.max))
        let id = try store.beginRehearsal(provider: provider.id, owner: owner, probeName: probeName, at: now())
        var run = Run(probeName: probeName, startedAt: now())
        await steps(&run)
        let failed = run.steps.filter { $0.result == .failed }
        // A probe that could not be revoked is said first: it is what a person must act on.
        let summary = (failed.filter { $0.name == "revoke" } + failed.filter { $0.name != "revoke" }).map(\.evidence).joined(separator: "; ")
        return try store.finishRehearsal(
            id, passed: failed.isEmpty, failedStep: failed.first?.number, summary: failed.isEmpty ? nil : summary, steps: run.steps,
            at: now(), settled: !run.unanswered)
    }

    /// What one run found so far.
    struct Run {
        let probeName: String
        let startedAt: Date
        var steps: [Step] = []
        var created: CreatedToken?
        /// The create got no answer: the probe may still appear, and the sweep must look for it.
        var unanswered = false

        mutating func record(_ result: Step.Result, _ evidence: String) {
            steps.append(Step(number: steps.count + 1, name: Rehearsal.names[steps.count], result: result, evidence: evidence))
        }

        mutating func skipTheRest(_ why: String) {
            while steps.count < Rehearsal.names.count { record(.skipped, why) }
        }
    }

    private func steps(_ run: inout Run) async {
        let kind = provider.kind
        // 1. The listing, as a poll reads it.
        let before: [ObservedToken]
        do {
            before = try await Self.listing(driver)
            run.record(.passed, "listed \(before.count) tokens")
        } catch {
            run.record(.failed, "listing failed: \(error)")
            return run.skipTheRest("not tried: the listing failed")
        }
        guard kind.capabilities.contains(.create) else {
            return run.skipTheRest("\(kind.displayName) has no API to create tokens: only the listing is checked")
        }
        // 2. The probe.
        do {
            let request = TokenCreation(
                name: run.probeName, scopes: Self.probeScopes(kind),
                expiresAt: kind == .awx || kind == .aap ? nil : now().addingTimeInterval(86_400).atMillisecondPrecision)
            let created = try await signer.create(request)
            run.created = created
            run.record(.passed, "created \(created.id) named \(run.probeName)" + created.fieldsFound.map { "; \($0)" }.joined())
        } catch {
            run.record(.failed, "creating the probe failed: \(error)")
            // A create that was not answered may still land: the run is left unfinished, so a later
            // rehearsal or cycle sweeps for its probe once it can no longer land.
            let answered = (error as? ProviderError).map { $0.kind != .timeout && $0.kind != .connection } ?? false
            run.unanswered = !answered
            return run.skipTheRest(
                answered ? "not tried: no probe was created" : "not tried: the create got no answer; a later cycle sweeps for its probe")
        }
        await check(&run, before: before)
        // 7. Revoked whatever happened above.
        if let created = run.created {
            do {
                let result = try await driver.revoke(tokenID: created.id)
                let said = result == .alreadyGone ? "the provider answered 404: it was already gone" : "revoked \(created.id)"
                while run.steps.count < 6 { run.record(.skipped, "not tried: an earlier step failed") }
                run.record(.passed, said)
            } catch {
                while run.steps.count < 6 { run.record(.skipped, "not tried: an earlier step failed") }
                run.record(.failed, "revoking the probe \(created.id) failed: \(error); revoke it by hand")
                return run.skipTheRest("not tried: the probe could not be revoked")
            }
            // 8. Gone from the listing (or listed as revoked).
            do {
                let after = try await Self.listing(driver)
                let left = after.first { $0.id == created.id && !$0.revoked }
                run.record(
                    left == nil ? .passed : .failed,
                    left == nil ? "the listing no longer shows it live" : "the listing still shows \(created.id) live")
            } catch {
                run.record(.failed, "the listing after the revoke failed: \(error)")
            }
        }
    }

    /// Steps 3 to 6 on a created probe; stops at the first that fails (the probe is revoked after).
    private func check(_ run: inout Run, before: [ObservedToken]) async {
        guard let created = run.created else { return }
        let kind = provider.kind
        // 3. The secret, shown once: only its length is said.
        let secret = created.secret.reveal()
        guard !secret.isEmpty else { return run.record(.failed, "the create answer carried no secret") }
        run.record(.passed, "the answer carried a secret (\(secret.count) characters, not shown)")
        // 4. The owner: the answer's, the listing's, and who signed in.
        let listed: ObservedToken?
        do {
            listed = try await Self.listing(driver).first { $0.id == created.id }
        } catch {
            return run.record(.failed, "listing after the create failed: \(error)")
        }
        let signerIdentity = (try? await signer.identity()).flatMap { $0 }
        let signerID =
            signerIdentity?.id ?? signerTokenID.flatMap { id in before.first { $0.id == id } }.flatMap { $0.ownerID ?? $0.owner }
        let listedOwner = listed.flatMap { $0.ownerID ?? $0.owner }
        guard let answered = created.ownerID else {
            return run.record(.failed, "the create answer names no owner; a rotation could not tell whose its successor is")
        }
        if let listedOwner, listedOwner != answered {
            return run.record(.failed, "the answer says the probe belongs to \(answered), the listing says \(listedOwner)")
        }
        if let signerID, signerID != answered, signerIdentity?.name != answered {
            return run.record(
                .failed, "the new token belongs to \(listed?.owner ?? answered), not to \(signerIdentity?.description ?? signerID), who signed in")
        }
        let signerText = signerIdentity?.description ?? signerID.map { "\($0) signed in" } ?? "who signed in is not reported, so not compared"
        let byListing = listedOwner != nil ? "the answer and the listing name \(answered)" : "the answer names \(answered) (not listed yet)"
        run.record(.passed, "\(byListing); \(signerIdentity.map { "\($0) signed in" } ?? signerText)")
        // 5. One authenticated read with the probe's own secret.
        do {
            let credential = try Credential(content: kind == .sailPoint ? "\(created.id):\(secret)" : secret, format: kind.credentialFormat)
            let probe = try probeDriver(credential)
            if kind == .awx || kind == .aap {
                guard let me = try await probe.identity() else { return run.record(.failed, "me/ with the probe's secret named no user") }
                guard me.id == answered || me.name == answered else {
                    return run.record(.failed, "me/ with the probe's secret names \(me), not \(answered)")
                }
                run.record(.passed, "me/ with the probe's secret names \(me)")
            } else {
                var pages = 0
                for try await _ in probe.tokens() {
                    pages += 1
                    break
                }
                run.record(.passed, "signed in with the probe's secret and read \(pages) listing page")
            }
        } catch {
            return run.record(.failed, "signing in with the probe's secret failed: \(error)")
        }
        // 6. Every field the driver reads, on the probe as the listing shows it after its use.
        let shown: ObservedToken
        do {
            guard let found = try await Self.listing(driver).first(where: { $0.id == created.id }) ?? listed else {
                return run.record(.failed, "the listing does not show the probe \(created.id)")
            }
            shown = found
        } catch {
            return run.record(.failed, "listing after the probe's use failed: \(error)")
        }
        var missing: [String] = []
        var notes: [String] = []
        if shown.name != run.probeName { missing.append("name (listed as \"\(shown.name)\")") }
        if kind.capabilities.contains(.creationTime), shown.createdAt == nil { missing.append("created") }
        if kind.capabilities.contains(.expiry), shown.expiresAt == nil, !kind.reportsNeverExpiring { missing.append("expiry") }
        if shown.ownerID ?? shown.owner == nil { missing.append("owner") }
        if kind.capabilities.contains(.lastUsed), shown.lastUsedAt == nil {
            // The gateway writes last_used at every use (django-ansible-base `is_valid`); SailPoint at
            // most daily (GetPersonalAccessTokenResponse.lastUsed); Cryptlex's is not documented.
            if kind == .aap {
                missing.append("last use (last_used is empty after the probe was used)")
            } else {
                notes.append("last use not reported yet (\(kind == .sailPoint ? "SailPoint updates it at most daily" : "unverified for this API"))")
            }
        }
        guard missing.isEmpty else { return run.record(.failed, "the listing shows the probe without: \(missing.joined(separator: ", "))") }
        var seen = ["name", "owner"]
        if kind.capabilities.contains(.creationTime) { seen.append("created") }
        if kind.capabilities.contains(.expiry) { seen.append(shown.expiresAt == nil ? "expiry (never)" : "expiry") }
        if kind.capabilities.contains(.lastUsed), shown.lastUsedAt != nil { seen.append("last use") }
        run.record(.passed, "the listing shows " + seen.joined(separator: ", ") + notes.map { "; \($0)" }.joined())
    }

    private static func listing(_ driver: any ProviderDriver) async throws -> [ObservedToken] {
        var tokens: [ObservedToken] = []
        for try await page in driver.tokens() { tokens += page }
        return tokens
    }

    /// How long after it started an unfinished rehearsal is taken for abandoned: far beyond a run's
    /// four listings and a create, so a sweep never revokes the probe of a rehearsal still running.
    public static let abandonedAfter: TimeInterval = 3_600

    /// Probes of rehearsals that never finished (tokenwarden stopped during one, or a create got no
    /// answer), started long enough ago that no run can still be creating them: a live token of the
    /// probe's name created since the run began is revoked, and the run settled as failed.
    public static func sweep(provider: String, driver: any ProviderDriver, store: TokenStore, settles: TimeInterval, now: Date) async throws {
        let stale = try store.unfinishedRehearsals(provider: provider, startedBefore: now.addingTimeInterval(-max(settles, abandonedAfter)))
        guard !stale.isEmpty else { return }
        let listed = try await listing(driver)
        for record in stale {
            var revoked: [String] = []
            for probe in listed
            where probe.name == record.probeName && !probe.revoked
                && (probe.createdAt.map { $0 >= record.startedAt.addingTimeInterval(-TokenRotator.clockSlack) } ?? true)
            {
                _ = try await driver.revoke(tokenID: probe.id)
                revoked.append(probe.id)
            }
            let what = revoked.isEmpty ? "no probe was left behind" : "its probe \(revoked.joined(separator: ", ")) was revoked"
            try store.finishRehearsal(
                record.id, passed: false, failedStep: record.steps.first { $0.result == .failed }?.number,
                summary: "the rehearsal did not finish (tokenwarden stopped, or its create got no answer); \(what)", steps: record.steps, at: now)
        }
    }
}

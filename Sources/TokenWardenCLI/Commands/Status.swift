import ArgumentParser
import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenLifecycle
import TokenWardenStore

/// `tokenwarden status`: is the daemon doing its job, and what waits for a person.
struct Status: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show whether tokenwarden is running, polling and healthy.",
        discussion: """
            Reads the token database and, where systemd runs, the state of tokenwarden.service. \
            Shows whether the service is running and since when; per provider the last poll, its \
            result, failures in a row and the next poll the daemon has armed; rotations in progress; \
            tokens whose revoke or rotation tokenwarden gave up on (`tokenwarden retry` re-arms them); \
            decisions policy holds back (`tokenwarden plan` lists them); the database's size and its \
            last check.

            Something needs attention when the service is not running, a provider's last poll failed \
            or is older than 3 poll intervals, a provider was never polled, a rotation has been \
            unfinished for over an hour, tokenwarden gave up on a token's writes, or the database \
            check found damage. Held decisions are shown \
            but are policy at work, not a fault.

            Exit 0 when healthy, 1 when something needs attention (so it can serve as a monitoring \
            check), 2 when the configuration cannot be read.

            Examples:
              tokenwarden status
              tokenwarden status --json
            """
    )

    @OptionGroup var options: ConfigOptions
    @OptionGroup var time: TimeOptions

    @Flag(help: "Print JSON (the report, what needs attention, and healthy: true/false) instead of text.")
    var json = false

    func run(_ context: CommandContext) throws {
        let now = Date()
        // Asked before root becomes the service's user: without a D-Bus system bus (a minimal host or
        // container), only root reaches systemd, through its private socket.
        let service = SystemdUnit.service()
        let (configuration, _) = try context.configurationForReading(credentials: true)
        let database = configuration.databasePath
        let report = Self.report(
            configuration: configuration, service: service ?? Self.daemonByLock(configuration.daemon.stateDirectory), now: now)
        let attention = report.attention(now: now)
        if json {
            try JSONOutput.print(StatusJSON(healthy: attention.isEmpty, attention: attention, report: report, database: database))
        } else {
            print(
                Self.render(report, attention: attention, database: database, now: now, time: time.human).split(
                    separator: "\n", omittingEmptySubsequences: false
                )
                .map { String($0).terminalSafe }.joined(separator: "\n"))
        }
        if !attention.isEmpty { throw ExitCode.failure }
    }

    /// Without systemd to ask: whether the daemon that last took the state directory's
    /// `daemon.lock` still runs (its PID names a live `tokenwarden`); nil when no daemon ever ran
    /// here (a setup driven by `sync` alone).
    static func daemonByLock(_ stateDirectory: String) -> StatusReport.Service? {
        guard FileManager.default.fileExists(atPath: stateDirectory + "/daemon.lock") else { return nil }
        guard let pid = StateLock.holder(stateDirectory: stateDirectory, daemon: true) else {
            return StatusReport.Service(state: "inactive", detail: "no systemd to ask, and daemon.lock names no PID", since: nil)
        }
        let name = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard name == "tokenwarden" else {
            return StatusReport.Service(
                state: "inactive", detail: "no systemd to ask; the daemon that last ran here, PID \(pid), is gone", since: nil)
        }
        return StatusReport.Service(state: "active", detail: "daemon PID \(pid), no systemd to ask", since: nil)
    }

    /// What the store and the policies say, with `service` from systemd.
    static func report(configuration: Configuration, service: StatusReport.Service?, now: Date) -> StatusReport {
        var report = StatusReport(service: service, providers: providers(of: configuration, health: [], service: service))
        let store: TokenStore
        do {
            store = try configuration.openInventory()
        } catch StoreError.missing {
            return report
        } catch {
            report.databaseProblem = "\(error)"
            return report
        }
        report.providers = providers(of: configuration, health: (try? store.providerHealth()) ?? [], service: service)
        let own = PolicyContext.ownTokenIDs(of: configuration).ids
        for index in report.providers.indices {
            guard let id = own[report.providers[index].id] else { continue }
            report.providers[index].ownCredential = "\(report.providers[index].id)/\(id)"
            let token = (try? store.token(provider: report.providers[index].id, id: id)) ?? nil
            report.providers[index].ownCredentialExpiresAt = token?.expiresAt
            if let lead = configuration.provider(id: report.providers[index].id)?.rotateOwnCredential, let token {
                report.providers[index].ownCredentialRotatesAt = OwnCredentialRotation(token: token, lead: lead)?.dueAt
            }
        }
        report.gaveUp = ((try? store.gaveUpWrites().values.sorted { $0.reference < $1.reference }) ?? []).map {
            StatusReport.GaveUp(token: $0.reference, failures: $0.failures, lastError: $0.lastError, since: $0.gaveUpAt ?? $0.lastFailedAt)
        }
        for (provider, records) in (try? store.lastRehearsals()) ?? [:] {
            report.rehearsals[provider] = records.map { ($0.owner.map { "as \($0): " } ?? "") + $0.verdict }.joined(separator: "; ")
        }
        report.rotations = ((try? store.unfinishedRotations()) ?? []).map {
            var rotation = StatusReport.Rotation(token: $0.reference, state: $0.state.rawValue, since: $0.updatedAt, failure: $0.failure)
            rotation.awaitingSwitchOver = $0.awaitsSwitchOver
            rotation.stalled = $0.stalledAt != nil
            return rotation
        }
        do {
            let (policies, problems) = ConfigurationLoader().policies(of: configuration)
            guard problems.isEmpty else { throw ConfigError(problems: problems) }
            let (outline, _) = try PolicyContext(configuration: configuration, policies: policies).outline(store: store, listing: 0, now: now)
            report.held = outline.held
            report.rotationsForAPerson = outline.rotationsForAPerson
        } catch {
            report.policyProblem = "\(error)"
        }
        report.pauses = (try? store.pauses(at: now)) ?? []
        if report.pauses.isEmpty { report.lastPause = try? store.lastEndedPause() }
        if let loads = try? store.configLoads() {
            report.configLoadedAt = loads.loadedAt
            report.reloadRefusedAt = loads.refusedAt
            report.reloadRefusal = loads.refusal
        }
        report.databaseBytes = store.sizeOnDisk
        if let check = try? store.lastCheck() {
            report.lastCheckAt = check.at
            report.lastCheckResult = check.detail
        }
        return report
    }

    /// Each configured provider with what its row says; the armed next poll only while the service runs.
    static func providers(of configuration: Configuration, health: [TokenStore.ProviderHealth], service: StatusReport.Service?)
        -> [StatusReport.Provider]
    {
        configuration.providers.map { config in
            let row = health.first { $0.provider == config.id }
            return StatusReport.Provider(
                id: config.id, pollInterval: config.pollInterval ?? configuration.daemon.pollInterval, lastPollAt: row?.lastPollAt,
                succeeded: row?.succeeded, error: row?.error, tokens: row?.tokenCount, consecutiveFailures: row?.consecutiveFailures ?? 0,
                nextPollAt: service?.isRunning ?? true ? row?.nextPollAt : nil)
        }
    }

    static func render(_ report: StatusReport, attention: [String], database: String, now: Date, time: HumanTime = .utc) -> String {
        var lines: [String] = []
        if let service = report.service {
            let since = service.since.map { " since \(time.instant($0)) (\(StatusReport.age(now.timeIntervalSince($0))) ago)" } ?? ""
            lines.append("tokenwarden.service: \(service.state)\(service.detail.isEmpty ? "" : " (\(service.detail))")\(since)")
        } else {
            lines.append("tokenwarden.service: no systemd to ask (not booted with systemd, or no systemctl)")
        }
        let check =
            report.lastCheckAt.map { "last check \(time.instant($0)): \(report.lastCheckResult ?? "-")" }
            ?? "not checked yet"
        if let problem = report.databaseProblem {
            lines.append("database: \(problem)")
        } else if report.databaseBytes == 0 && report.lastCheckAt == nil && report.lastCheckResult == nil {
            lines.append("database: \(database) does not exist yet (the first poll creates it)")
        } else {
            lines.append("database: \(database), \(ByteCountFormatter.string(fromByteCount: report.databaseBytes, countStyle: .binary)); \(check)")
        }
        for pause in report.pauses {
            let until = pause.until.map { " until \(time.instant($0))" } ?? " until `tokenwarden resume`"
            lines.append(
                "PAUSED: writes to \(pause.scope) since \(time.instant(pause.since)) by \(pause.by)\(until): \(pause.reason) "
                    + "(polling and notices go on)")
        }
        if let last = report.lastPause {
            lines.append(
                "last pause: writes to \(last.pause.scope) \(last.pause.description); ended \(time.instant(last.endedAt))"
                    + (last.by.map { " by \($0)" } ?? "") + ": \(last.reason)")
        }
        lines.append("")
        var table = TextTable("PROVIDER", "LAST POLL", "RESULT", "TOKENS", "FAILURES", "NEXT POLL")
        for provider in report.providers {
            let result =
                switch provider.succeeded {
                case nil: "never polled"
                case true?: "ok"
                // The whole error is in "needs attention" below, once, where it can wrap.
                case false?: "FAILED (see below)"
                }
            table.append([
                provider.id, provider.lastPollAt.map { "\(time.instant($0)) (\(StatusReport.age(now.timeIntervalSince($0))) ago)" } ?? "-",
                result, provider.tokens.map(String.init) ?? "-", String(provider.consecutiveFailures), time.instant(provider.nextPollAt),
            ])
        }
        lines.append(table.render())
        for provider in report.providers {
            guard let own = provider.ownCredential else { continue }
            let expiry = provider.ownCredentialExpiresAt.map { "expires \(time.day($0, relativeTo: now))" }
            let rotates =
                provider.ownCredentialRotatesAt.map { at in
                    at > now
                        ? ", replaced by tokenwarden from \(time.day(at, relativeTo: now))"
                        : ", due for replacement by tokenwarden since \(time.day(at, relativeTo: now)) (`tokenwarden plan` says what holds it)"
                } ?? ""
            lines.append(
                "own credential of \(provider.id): \(own), \(expiry ?? "expiry not known (not in the inventory, or it has none)")\(rotates)")
        }
        lines.append("")
        if report.rotations.isEmpty {
            lines.append("rotations in progress: none")
        } else {
            lines.append("rotations in progress:")
            for rotation in report.rotations {
                let state =
                    rotation.stalled
                    ? "stalled (switch-over)" : rotation.awaitingSwitchOver ? "delivered, both tokens live until the new one is used" : rotation.state
                lines.append("  \(rotation.token): \(state) since \(time.instant(rotation.since))" + (rotation.failure.map { " (\($0))" } ?? ""))
            }
        }
        for (provider, verdict) in report.rehearsals.sorted(by: { $0.key < $1.key }) {
            lines.append("last rehearsal of \(provider): \(verdict)")
        }
        for run in report.gaveUp {
            lines.append("gave up on \(run.token) since \(time.instant(run.since)) after \(run.failures) failures in a row")
        }
        if let problem = report.policyProblem {
            lines.append("held decisions: unknown (the configuration on disk cannot be loaded)")
            lines.append("")
            lines.append("configuration on disk:")
            lines += problem.split(separator: "\n").map { "  " + $0.trimmingCharacters(in: .whitespaces) }
            if let loaded = report.configLoadedAt, report.service?.isRunning ?? true {
                lines.append("  the daemon runs the configuration it loaded at \(time.instant(loaded))")
            }
        } else {
            let person = report.rotationsForAPerson > 0 ? ", \(report.rotationsForAPerson) of them rotations waiting for a person" : ""
            lines.append("held decisions: \(report.held)\(person)\(report.held > 0 ? " (`tokenwarden plan` lists them)" : "")")
        }
        lines.append("")
        if attention.isEmpty {
            lines.append("healthy")
        } else {
            lines.append("needs attention:")
            lines += attention.map { "  - \($0)" }
        }
        return lines.joined(separator: "\n")
    }

}

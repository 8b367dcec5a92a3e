import Foundation
import TokenWardenCore

/// What `status --json` prints (docs/json.md): snake_case keys, instants as RFC 3339 UTC with
/// milliseconds, durations as seconds, and `null` for every unknown fact.
struct StatusJSON: Encodable {
    let healthy: Bool
    let attention: [String]
    let report: StatusReport
    let database: String

    enum Keys: String, CodingKey {
        case healthy, attention, service, providers, rehearsals, rotations, held, database, configuration, paused
        case lastPause = "last_pause"
        case gaveUp = "gave_up"
        case rotationsForAPerson = "rotations_for_a_person"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(healthy, forKey: .healthy)
        try container.encode(attention, forKey: .attention)
        try container.encode(report.service.map(Fields.service), forKey: .service)
        try container.encode(report.providers.map(Fields.provider), forKey: .providers)
        try container.encode(report.gaveUp.map(Fields.gaveUp), forKey: .gaveUp)
        try container.encode(report.rehearsals, forKey: .rehearsals)
        try container.encode(report.rotations.map(Fields.rotation), forKey: .rotations)
        try container.encode(report.pauses.map(Fields.pause), forKey: .paused)
        try container.encode(
            report.lastPause.map { last in
                JSONFields([
                    "pause": .object(Fields.pause(last.pause)), "ended_at": .instant(last.endedAt), "ended_by": .string(last.by),
                    "end_reason": .string(last.reason),
                ])
            }, forKey: .lastPause)
        try container.encode(report.held, forKey: .held)
        try container.encode(report.rotationsForAPerson, forKey: .rotationsForAPerson)
        try container.encode(
            JSONFields([
                "path": .string(database), "bytes": .number(Double(report.databaseBytes)), "last_check_at": .instant(report.lastCheckAt),
                "last_check_result": .string(report.lastCheckResult), "problem": .string(report.databaseProblem),
            ]), forKey: .database)
        try container.encode(
            JSONFields([
                "problem": .string(report.policyProblem), "loaded_at": .instant(report.configLoadedAt),
                "reload_refused_at": .instant(report.reloadRefusedAt), "reload_refusal": .string(report.reloadRefusal),
            ]), forKey: .configuration)
    }

    /// The pieces of the report, as `JSONFields`.
    enum Fields {
        static func service(_ service: StatusReport.Service) -> JSONFields {
            JSONFields(["state": .string(service.state), "detail": .string(service.detail), "since": .instant(service.since)])
        }

        static func provider(_ provider: StatusReport.Provider) -> JSONFields {
            JSONFields([
                "id": .string(provider.id), "poll_interval_seconds": .number(Double(provider.pollInterval.seconds)),
                "last_poll_at": .instant(provider.lastPollAt), "succeeded": .bool(provider.succeeded), "error": .string(provider.error),
                "tokens": .number(provider.tokens.map(Double.init)), "consecutive_failures": .number(Double(provider.consecutiveFailures)),
                "next_poll_at": .instant(provider.nextPollAt), "own_credential": .string(provider.ownCredential),
                "own_credential_expires_at": .instant(provider.ownCredentialExpiresAt),
                "own_credential_rotates_at": .instant(provider.ownCredentialRotatesAt),
            ])
        }

        static func gaveUp(_ run: StatusReport.GaveUp) -> JSONFields {
            JSONFields([
                "token": .string(run.token), "failures": .number(Double(run.failures)), "last_error": .string(run.lastError),
                "since": .instant(run.since),
            ])
        }

        static func pause(_ pause: Pause) -> JSONFields {
            JSONFields([
                "provider": .string(pause.provider), "since": .instant(pause.since), "until": .instant(pause.until),
                "reason": .string(pause.reason), "by": .string(pause.by),
            ])
        }

        static func rotation(_ rotation: StatusReport.Rotation) -> JSONFields {
            JSONFields([
                "token": .string(rotation.token), "state": .string(rotation.state), "since": .instant(rotation.since),
                "failure": .string(rotation.failure), "awaiting_switch_over": .bool(rotation.awaitingSwitchOver),
                "stalled": .bool(rotation.stalled),
            ])
        }
    }
}

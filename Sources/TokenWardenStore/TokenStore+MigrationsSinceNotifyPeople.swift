import GRDB

extension TokenStore {
    /// The schema's history from `notifyPeople` on, in the order it shipped (the first part is in
    /// `TokenStore+Migrations.swift`). Names never change; a new need gets a new migration, here, last.
    static func registerFromNotifyPeople(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("notifyPeople") { db in
            // A message to one address (an owner's, through a mail notifier), and the digest window
            // it gathers into (messages for the same notifier, address and window become one).
            try db.alter(table: "notification") { t in
                t.add(column: "recipient", .text)
                t.add(column: "digest_window", .integer)
            }
            // The notice last sent about a token: its expiry and how close to it (seconds of lead
            // time, 0 once expired). A later notice about the same expiry is an escalation.
            try db.alter(table: "reported_decision") { t in
                t.add(column: "notice_expires_at", .integer)
                t.add(column: "notice_stage", .integer)
            }
            // Since when a provider's polls fail, and whether an admin was alerted about it (once per run).
            try db.alter(table: "provider") { t in
                t.add(column: "failing_since", .integer)
                t.add(column: "failing_alerted", .boolean).notNull().defaults(to: false)
            }
            // `tokenwarden snooze` and `exempt`: one per token; `unsnooze` deletes it. Who and why are
            // in the token's history as well.
            try db.create(table: "token_suspension") { t in
                t.column("provider_id", .text).notNull()
                t.column("token_id", .text).notNull()
                t.primaryKey(["provider_id", "token_id"])
                t.foreignKey(["provider_id", "token_id"], references: "token", onDelete: .cascade)
                t.column("kind", .text).notNull().check { ["snooze", "exempt"].contains($0) }
                t.column("until_at", .integer)
                t.column("reason", .text).notNull()
                t.column("set_by", .text).notNull()
                t.column("set_at", .integer).notNull()
            }
        }
        migrator.registerMigration("recordPollTotals") { db in
            // For the metrics: when a provider's poll last succeeded, and how many have failed in all.
            try db.alter(table: "provider") { t in
                t.add(column: "last_succeeded_at", .integer)
                t.add(column: "poll_failures_total", .integer).notNull().defaults(to: 0)
            }
            try db.execute(sql: "UPDATE provider SET last_succeeded_at = last_poll_finished_at WHERE last_poll_outcome = 'succeeded'")
        }
        migrator.registerMigration("indexTokenCensus") { db in
            // The metrics and the report count tokens by provider and state, expiry and last use:
            // covered by this index, one pass reads 36 MB of it instead of the 157 MB table at 1M
            // tokens (0.19 s instead of 3.6 s through the primary key and a sort, measured with the
            // sqlite3 shell). A re-sync's `last_seen_at` touch changes none of its columns.
            try db.create(
                index: "token_census", on: "token", columns: ["provider_id", "state", "expires_at", "last_used_at", "created_at"])
        }
        migrator.registerMigration("digestListedFacts") { db in
            // A re-sync skips an unchanged token by comparing the digest of its listed facts
            // (`FactsDigest`) with this one, instead of reading and rewriting its row; NULL until the
            // token is next written. A token still listed is seen as of its provider's `listed_at`:
            // the start of the last complete listing whose missing tokens were all marked gone (rows
            // keep their own `last_seen_at` from discovery, changes and incomplete listings).
            try db.alter(table: "token") { t in t.add(column: "facts_digest", .integer) }
            try db.alter(table: "provider") { t in t.add(column: "listed_at", .integer) }
        }
        migrator.registerMigration("digestListedBytes") { db in
            // A re-sync recognises a token whose listed bytes are the ones it stored (the
            // `ListingDigest` of them, from drivers that take it) without decoding them; NULL for
            // tokens of other drivers and until the token is next listed.
            try db.alter(table: "token") { t in t.add(column: "listing_digest", .integer) }
        }
        migrator.registerMigration("discoveryIsFirstSeen") { db in
            // A token's `discovered` history row said what its `first_seen_at` says (the same
            // instant, no detail): `history` now reads the discovery from the token row. Writing
            // them cost a first sync 13-15% of its CPU (a row, an index entry and a foreign-key
            // check per token; 100k AWX tokens 3.27 against 2.84 s) and a 1M-token store 117 MB.
            // A row at any other instant was not written by tokenwarden's listing and is kept.
            try db.execute(
                sql: """
                    DELETE FROM token_event WHERE kind = 'discovered' AND detail = '' AND occurred_at = (
                      SELECT token.first_seen_at FROM token
                      WHERE token.provider_id = token_event.provider_id AND token.token_id = token_event.token_id)
                    """)
        }
        migrator.registerMigration("recordLineage") { db in
            // A rotation's successor carries another name than its predecessor (SailPoint refuses a
            // second PAT of one name per owner): the lineage says which token it replaced and the
            // name the lineage goes by, which rules match too. `token_lineage` is written when the
            // successor is created, before it is ever listed; a poll copies it onto the token's row
            // (`base_name`, `successor_of`: NULL for every token no rotation made), where `plan`'s
            // SQL and the engine read it. The rotation keeps the name it asked for, so a sweep after a
            // crash looks for a token of that name.
            try db.alter(table: "token") { t in
                t.add(column: "base_name", .text)
                t.add(column: "successor_of", .text)
            }
            try db.create(table: "token_lineage") { t in
                t.column("provider_id", .text).notNull()
                t.column("token_id", .text).notNull()
                t.primaryKey(["provider_id", "token_id"])
                t.column("successor_of", .text).notNull()
                t.column("base_name", .text).notNull()
                t.column("rotation_id", .integer).notNull().references("rotation", onDelete: .cascade)
            }
            try db.alter(table: "rotation") { t in t.add(column: "new_token_name", .text) }
        }
        migrator.registerMigration("finishRetries") { db in
            // A rotation concluded because tokenwarden itself stopped (a kill, a crash, a timeout on
            // its side) is `interrupted`: tried again at the next cycle, not after the failure back-off
            // that answers from the provider get.
            try db.alter(table: "rotation") { t in t.add(column: "interrupted", .boolean).notNull().defaults(to: false) }
            // Writes (a revoke, a rotation step) failing in a row per token; at `[daemon] give_up_after`
            // the token's writes stop (`gave_up_at`) until an admin's `tokenwarden retry`. `announced`:
            // the one alert went out.
            try db.create(table: "write_failure") { t in
                t.column("provider_id", .text).notNull()
                t.column("token_id", .text).notNull()
                t.primaryKey(["provider_id", "token_id"])
                t.column("failures", .integer).notNull()
                t.column("last_error", .text).notNull()
                t.column("last_failed_at", .integer).notNull()
                t.column("gave_up_at", .integer)
                t.column("announced", .boolean).notNull().defaults(to: false)
            }
        }
        migrator.registerMigration("recordRehearsals") { db in
            // `tokenwarden rehearse`: one row per run, per provider and owner ('' for the main
            // credential). Written before the probe is created (its name), so a crash leaves a row
            // without `finished_at` whose probe the next rehearsal or cycle sweeps for.
            try db.create(table: "rehearsal") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("provider_id", .text).notNull()
                t.column("owner", .text).notNull().defaults(to: "")
                t.column("probe_name", .text).notNull()
                t.column("started_at", .integer).notNull()
                t.column("finished_at", .integer)
                t.column("passed", .boolean)
                t.column("failed_step", .integer)
                t.column("summary", .text)
                t.column("steps", .text).notNull().defaults(to: "[]")
            }
            try db.create(index: "rehearsal_on_provider", on: "rehearsal", columns: ["provider_id", "owner", "id"])
        }
        migrator.registerMigration("switchOverOnEvidence") { db in
            // `revoke_old`: "after-overlap" (what every earlier rotation did) or "when-successor-used",
            // with its deadline; `stalled_at`: when a successor was still unused at the deadline (the
            // old token stays valid, a person was told). Kept so a restart goes on waiting.
            try db.alter(table: "rotation") { t in
                t.add(column: "revoke_old", .text).notNull().defaults(to: "after-overlap")
                t.add(column: "switch_over_deadline_seconds", .integer)
                t.add(column: "stalled_at", .integer)
            }
        }
        migrator.registerMigration("recordAdminUID") { db in
            // The real uid of whoever snoozed or exempted a token, beside the words (which may name
            // the user behind sudo): what the kernel said, not the environment.
            try db.alter(table: "token_suspension") { t in t.add(column: "set_by_uid", .integer) }
        }
        migrator.registerMigration("recordAdminActionUID") { db in
            // The same for an admin's command in the audit trail (`history --json` `actor_uid`).
            try db.alter(table: "action") { t in t.add(column: "actor_uid", .integer) }
        }
        migrator.registerMigration("indexRotationAction") { db in
            // History places a rotation's audit entry after its steps, joining each action to its
            // rotation: without the index every action row would scan the rotation table.
            try db.create(index: "rotation_action", on: "rotation", columns: ["action_id"])
        }
        migrator.registerMigration("recordConfigLoads") { db in
            // What the daemon runs with, for `status`: its last load and its last refused reload.
            try db.create(table: "daemon_config") { t in
                t.column("id", .integer).primaryKey().check { $0 == 1 }
                t.column("loaded_at", .integer)
                t.column("refused_at", .integer)
                t.column("refusal", .text)
            }
        }
        migrator.registerMigration("recordPauses") { db in
            // `tokenwarden pause` and `resume`: every pause kept, with who set and ended it and why.
            try db.create(table: "pause") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("provider_id", .text)  // NULL: every provider
                t.column("since_at", .integer).notNull()
                t.column("until_at", .integer)
                t.column("reason", .text).notNull()
                t.column("set_by", .text).notNull()
                t.column("set_by_uid", .integer)
                t.column("ended_at", .integer)
                t.column("ended_by", .text)
                t.column("ended_by_uid", .integer)
                t.column("end_reason", .text)
            }
        }
        migrator.registerMigration("recordApprovals") { db in
            // Rules with `approve = true`: each request, and who approved or denied it and why.
            try db.create(table: "approval") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("provider_id", .text).notNull()
                t.column("token_id", .text).notNull()
                t.column("rule", .text).notNull()
                t.column("action", .text).notNull()
                t.column("facts", .text).notNull()
                t.column("reason", .text).notNull()
                // pending, approved, denied; then lapsed (the facts changed) or expired.
                t.column("state", .text).notNull()
                t.column("requested_at", .integer).notNull()
                t.column("expires_at", .integer).notNull()
                t.column("valid_seconds", .integer).notNull()
                t.column("decided_at", .integer)
                t.column("decided_by", .text)
                t.column("decided_by_uid", .integer)
                t.column("decision_reason", .text)
            }
            try db.execute(sql: "CREATE INDEX approval_open ON approval (provider_id, token_id) WHERE state IN ('pending', 'approved', 'denied')")
        }
        migrator.registerMigration("recordOwnCredentialWarnings") { db in
            // The last expiry warning about tokenwarden's own credential at each provider.
            try db.create(table: "own_credential_warning") { t in
                t.primaryKey("provider_id", .text)
                t.column("token_id", .text).notNull()
                t.column("expires_at", .integer).notNull()
                t.column("stage_seconds", .integer).notNull()
                t.column("warned_at", .integer).notNull()
            }
        }
    }
}

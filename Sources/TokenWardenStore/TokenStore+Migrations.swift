import GRDB

extension TokenStore {
    /// The schema's history. A migration's name never changes once shipped; new needs get new migrations.
    /// No column holds a secret: rotations keep only a short SHA-256 fingerprint of a new secret.
    /// Every instant (`*_at`, `revoke_old_after`) is an INTEGER of milliseconds since 1970 UTC: exact,
    /// compact and cheap to index (`datetime(x / 1000, 'unixepoch')` shows it in the sqlite3 shell).
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("createInventory") { db in
            try db.create(table: "provider") { t in
                t.primaryKey("id", .text)
                t.column("kind", .text).notNull()
                t.column("base_url", .text).notNull()
                t.column("registered_at", .integer).notNull()
                t.column("last_poll_started_at", .integer)
                t.column("last_poll_finished_at", .integer)
                t.column("last_poll_outcome", .text)
                t.column("last_poll_error", .text)
                t.column("token_count", .integer)
            }
            try db.create(table: "token") { t in
                t.column("provider_id", .text).notNull().references("provider", onDelete: .restrict)
                t.column("token_id", .text).notNull()
                t.primaryKey(["provider_id", "token_id"])
                t.column("name", .text).notNull()
                t.column("owner", .text)
                t.column("scopes", .text).notNull().defaults(to: "[]")
                t.column("created_at", .integer)
                t.column("expires_at", .integer)
                t.column("last_used_at", .integer)
                t.column("revoked", .boolean).notNull().defaults(to: false)
                t.column("state", .text).notNull().check { ["active", "revoked", "expired", "gone"].contains($0) }
                t.column("first_seen_at", .integer).notNull()
                t.column("last_seen_at", .integer).notNull()
                t.column("extras", .text).notNull().defaults(to: "{}")
            }
            try db.create(index: "token_on_expires_at", on: "token", columns: ["expires_at"])
            try db.create(index: "token_on_name", on: "token", columns: ["name"])
            try db.create(table: "token_event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("provider_id", .text).notNull()
                t.column("token_id", .text).notNull()
                t.foreignKey(["provider_id", "token_id"], references: "token", onDelete: .cascade)
                t.column("occurred_at", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("detail", .text).notNull().defaults(to: "")
            }
            try db.create(index: "token_event_on_token", on: "token_event", columns: ["provider_id", "token_id", "occurred_at"])
        }

        migrator.registerMigration("createAudit") { db in
            try db.create(table: "action") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("provider_id", .text).notNull()
                t.column("token_id", .text).notNull()
                t.foreignKey(["provider_id", "token_id"], references: "token")
                t.column("occurred_at", .integer).notNull()
                t.column("rule", .text)
                t.column("action", .text).notNull()
                t.column("mode", .text).notNull()
                t.column("outcome", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("error", .text)
            }
            try db.create(index: "action_on_token", on: "action", columns: ["provider_id", "token_id", "occurred_at"])
            try db.create(table: "rotation") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("provider_id", .text).notNull()
                t.column("token_id", .text).notNull()
                t.foreignKey(["provider_id", "token_id"], references: "token")
                t.column("rule", .text)
                t.column("state", .text).notNull()
                t.column("new_token_id", .text)
                t.column("new_secret_fingerprint", .text)
                t.column("delivery", .text).notNull()
                t.column("overlap_seconds", .integer).notNull()
                t.column("revoke_old_after", .integer)
                t.column("started_at", .integer).notNull()
                t.column("updated_at", .integer).notNull()
                t.column("failure", .text)
            }
            try db.create(table: "rotation_step") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("rotation_id", .integer).notNull().references("rotation", onDelete: .cascade)
                t.column("occurred_at", .integer).notNull()
                t.column("state", .text).notNull()
                t.column("detail", .text).notNull().defaults(to: "")
            }
        }
        migrator.registerMigration("trackLifecycle") { db in
            // One unfinished rotation per token at most: the database itself refuses a second one.
            try db.create(
                index: "rotation_unfinished_per_token", on: "rotation", columns: ["provider_id", "token_id"],
                options: .unique, condition: !["done", "failed"].contains(Column("state")))
            try db.alter(table: "rotation") { t in
                t.add(column: "action_id", .integer).references("action")
                t.add(column: "mode", .text).notNull().defaults(to: "enforce")
            }
            // The last decision reported for each token, so a decision is reported once per threshold
            // crossing (and when its facts change) rather than every cycle.
            try db.create(table: "reported_decision") { t in
                t.column("provider_id", .text).notNull()
                t.column("token_id", .text).notNull()
                t.primaryKey(["provider_id", "token_id"])
                t.foreignKey(["provider_id", "token_id"], references: "token", onDelete: .cascade)
                t.column("facts", .text).notNull()
                t.column("reported_at", .integer).notNull()
            }
        }
        migrator.registerMigration("checkTokenStateByComparison") { db in
            // SQLite checks `state IN ('active', …)` by building a lookup table for every row written:
            // about a third of SQLite's work per new token, and 4.7 µs of each insert in a 200k-row test.
            // Comparisons state the same rule at no cost. A CHECK cannot be altered in place, so the
            // table is rebuilt as sqlite.org/lang_altertable.html ("other kinds of table schema
            // changes") describes; GRDB runs this with foreign keys off and checks them all at the end.
            try db.create(table: "token_rebuilt") { t in
                t.column("provider_id", .text).notNull().references("provider", onDelete: .restrict)
                t.column("token_id", .text).notNull()
                t.primaryKey(["provider_id", "token_id"])
                t.column("name", .text).notNull()
                t.column("owner", .text)
                t.column("scopes", .text).notNull().defaults(to: "[]")
                t.column("created_at", .integer)
                t.column("expires_at", .integer)
                t.column("last_used_at", .integer)
                t.column("revoked", .boolean).notNull().defaults(to: false)
                t.column("state", .text).notNull().check { $0 == "active" || $0 == "revoked" || $0 == "expired" || $0 == "gone" }
                t.column("first_seen_at", .integer).notNull()
                t.column("last_seen_at", .integer).notNull()
                t.column("extras", .text).notNull().defaults(to: "{}")
            }
            try db.execute(sql: "INSERT INTO token_rebuilt SELECT * FROM token")
            try db.drop(table: "token")
            try db.rename(table: "token_rebuilt", to: "token")
            try db.create(index: "token_on_expires_at", on: "token", columns: ["expires_at"])
            try db.create(index: "token_on_name", on: "token", columns: ["name"])
        }
        migrator.registerMigration("rotateForTheOwner") { db in
            // Who each provider's main credential signs in as (AWX's /api/v2/me/), learned at each
            // poll: a successor belongs to whoever signs in, so `plan` must know it offline.
            try db.create(table: "provider_identity") { t in
                t.primaryKey("provider_id", .text).references("provider", onDelete: .cascade)
                t.column("owner_id", .text).notNull()
                t.column("owner_name", .text)
                t.column("learned_at", .integer).notNull()
            }
            // When a rotation's create request went out: a create whose answer never came is swept
            // for until it can no longer land; one never sent needs no wait.
            try db.alter(table: "rotation") { t in t.add(column: "create_sent_at", .integer) }
        }
        migrator.registerMigration("recordHealth") { db in
            // For `tokenwarden status`: failures in a row and the next poll the daemon has armed, per
            // provider; and the last database check, on a one-row table.
            try db.alter(table: "provider") { t in
                t.add(column: "consecutive_failures", .integer).notNull().defaults(to: 0)
                t.add(column: "next_poll_at", .integer)
            }
            try db.create(table: "store_check") { t in
                t.primaryKey("id", .integer).check { $0 == 1 }
                t.column("checked_at", .integer).notNull()
                t.column("result", .text).notNull()
            }
        }
        migrator.registerMigration("notificationOutbox") { db in
            // Messages to people, queued in the transaction that records the decisions they tell of,
            // sent later with retries; the idempotency key travels in every payload.
            try db.create(table: "notification") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("notifier_id", .text).notNull()
                t.column("idempotency_key", .text).notNull().unique()
                t.column("subject", .text).notNull()
                t.column("payload", .text).notNull()
                t.column("queued_at", .integer).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("next_attempt_at", .integer).notNull()
                t.column("state", .text).notNull().check { ["pending", "sent", "undeliverable"].contains($0) }
                t.column("last_error", .text)
                t.column("sent_at", .integer)
            }
            try db.create(index: "notification_due", on: "notification", columns: ["state", "next_attempt_at"])
        }
        registerFromNotifyPeople(&migrator)
        return migrator
    }()
}

import ArgumentParser
import Foundation
import TokenWardenCore
import TokenWardenStore

/// `tokenwarden snooze TOKEN --until DATE --reason TEXT`.
struct Snooze: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "snooze",
        abstract: "Leave one token alone until a date: no notifications, no revoke, no rotation.",
        discussion: """
            TOKEN is PROVIDER/ID or a token name that is unique in the inventory. Until the date, \
            policy decides about the token as before but holds every decision (`tokenwarden plan` \
            marks them), and no notification about it is sent. The snooze, who ran it (SUDO_USER and \
            uid) and the reason go into the audit trail (`tokenwarden history TOKEN`). Snoozing again \
            replaces the date; `tokenwarden unsnooze TOKEN` ends it early. When the snooze ends, the \
            token's notices start over: the next threshold crossed notifies again.

            --until takes a day (2026-12-24, midnight in the host's time zone), a time (2026-12-24T09:00:00Z) or a \
            span from now (14d, 36h).

            Examples:
              sudo tokenwarden snooze awx-main/42 --until 2027-01-15 \\
                --reason "the vendor renews it on 2027-01-10"
              sudo tokenwarden snooze deploy-bot --until 14d --reason "CHG-1234"
            """
    )

    @OptionGroup var options: ConfigOptions

    @OptionGroup var suspension: TokenReasonOptions

    @Option(help: ArgumentHelp("A day (YYYY-MM-DD), a time (RFC 3339) or a span from now (14d).", valueName: "date"))
    var until: String

    func run(_ context: CommandContext) async throws {
        let by = AdminIdentity.current(environment: context.environment)
        let now = Date()
        let end = try Self.parseUntil(until, now: now)
        let configuration = try context.configuration()
        let store = try configuration.openStore()
        let target = try store.resolve(suspension.token)
        try store.suspend(
            provider: target.provider, tokenID: target.id,
            Suspension(kind: .snooze, until: end, reason: suspension.reason, by: by.description, byUID: by.uid, at: now))
        print("snoozed \(target.reference) \"\(target.name)\" until \(ProviderTimestamp.format(end))".terminalSafe)
    }

    /// A day (its midnight in `timeZone`, the host's: as rule windows and digests read time), an
    /// RFC 3339 time, or a span from `now`; it must lie in the future.
    static func parseUntil(_ text: String, now: Date, timeZone: TimeZone = .current) throws -> Date {
        var date: Date?
        if let span = try? TimeSpan(parsing: text) {
            date = now.addingTimeInterval(span.timeInterval)
        } else if text.count == 10, let parsed = try? ProviderTimestamp.parse(text + "T00:00:00Z") {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let day = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: parsed.date)
            date = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))
        } else if let parsed = try? ProviderTimestamp.parse(text) {
            date = parsed.date
        }
        guard let date else {
            throw ValidationError("--until \"\(text)\" is not a day (2026-12-24), a time (2026-12-24T09:00:00Z) or a span (14d)")
        }
        guard date > now else { throw ValidationError("--until \(ProviderTimestamp.format(date)) is not in the future") }
        // Beyond year 9999 no timestamp can be stored or printed.
        guard date.timeIntervalSince(now) <= 100 * 365.25 * 86_400 else {
            throw ValidationError("--until \"\(text)\" is more than 100 years away; give a nearer day")
        }
        return date
    }
}

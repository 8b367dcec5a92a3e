import ArgumentParser
import Foundation
import TokenWardenCore
import TokenWardenStore

/// `--override-suspension --reason TEXT` of `revoke` and `rotate`: a snooze or exemption holds for
/// people too, so acting on such a token takes saying so, and why, in the audit trail.
struct SuspensionOverride: ParsableArguments {
    @Flag(help: "Act on a snoozed or exempt token anyway (needs --reason; recorded with who ran it).")
    var overrideSuspension = false

    @Option(help: ArgumentHelp("Why the snooze or exemption is overridden: kept in the audit trail.", valueName: "text"))
    var reason: String?

    func validate() throws {
        if overrideSuspension, reason?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ?? true {
            throw ValidationError("--override-suspension needs --reason TEXT saying why the snooze or exemption does not apply")
        }
        if reason != nil, !overrideSuspension { throw ValidationError("--reason is only taken with --override-suspension") }
    }

    /// The suspension `target` is under, nil when none; throws a refusal naming it unless overridden.
    func suspension(of target: Token, in store: TokenStore, verb: String, at now: Date) throws -> Suspension? {
        guard let held = try store.suspensions(at: now)[target.reference] else { return nil }
        guard overrideSuspension else {
            throw Refusal(
                "\(target.reference) is \(held.description); tokenwarden will not \(verb) it. Lift it with `tokenwarden unsnooze "
                    + "\(target.reference) --reason TEXT`, or give --override-suspension --reason TEXT")
        }
        return held
    }

    /// Writes the override to the audit trail, before the provider is called.
    func record(_ held: Suspension, of target: Token, in store: TokenStore, verb: String, by admin: AdminIdentity, at now: Date) throws {
        try store.recordSuspensionOverride(
            provider: target.provider, tokenID: target.id, held: held, verb: verb, by: admin.description, byUID: admin.uid,
            reason: reason ?? "", at: now)
    }

    /// Says so when writes to `target`'s provider are paused: a pause holds policy, and an admin's
    /// own revoke or rotate goes ahead, but not without a word.
    static func warnIfPaused(_ target: Token, in store: TokenStore, verb: String, at now: Date) throws {
        try warnIfPaused(target.provider, in: store, doing: "manual \(verb) of \(target.reference)", at: now)
    }

    /// The same for any write an admin starts at `provider` (`doing`: "rehearsal", …).
    static func warnIfPaused(_ provider: String, in store: TokenStore, doing: String, at now: Date) throws {
        guard let pause = Pause.holding(provider, in: try store.pauses(at: now), at: now) else { return }
        StandardError.warning("writes to \(pause.scope) are \(pause.description); this \(doing) goes ahead")
    }

    /// " (it is snoozed until …: the override is recorded)" for the confirmation question.
    static func question(_ held: Suspension?) -> String {
        held.map { " It is \($0.description); the override is recorded with your reason." } ?? ""
    }
}

import Foundation
import TokenWardenCore
import TokenWardenStore

/// One cycle's pass over its decisions as the store hands them out, batch by batch: how each is
/// handled, what the store is to remember of it, and the little kept in memory: the writes within
/// the blast-radius limit, a sample of those held back, the tokens sharing a destination, the
/// metrics' digest. A million decisions pass through without being held.
struct DecisionPass {
    typealias Handling = PolicyActuator.Handling

    let enforce: Bool
    /// Tokens with a rotation under way: the rotation decides, not policy.
    let rotating: Set<String>
    /// When a token's last rotation failed, for those that failed lately.
    let failedAt: [String: Date]
    /// Tokens whose writes tokenwarden gave up on (`[daemon] give_up_after`).
    let gaveUp: Set<String>
    let now: Date
    private var ledger: ActionBudget.Ledger
    /// The writes this cycle carries out (within the limits), in the engine's order.
    private(set) var within: [Decision] = []
    /// References of `within`, and the limit each write held back by `reserve` answered to.
    private var demoted: [String: String] = [:]
    /// The limit that held back each provider's writes beyond it.
    private(set) var limits: [String: String] = [:]
    /// Writes due, and how many of them the limits held back, with the first few.
    private(set) var due = 0
    private(set) var heldBack = 0
    private(set) var heldBackSample: [Token] = []
    /// Rule → the first tokens it selects that share one destination (enough to name five others).
    private(set) var sharing: [String: [String]] = [:]
    private(set) var digest: DecisionDigest
    /// The open approvals, by reference (`DecisionSource.approvals`).
    let approvals: [String: Approval]
    /// Decisions held for an approval nobody was asked for yet (with these facts), when enforcing:
    /// at most `askedPerCycle`, the rest the next cycles. Found here, over every decision, not only
    /// the ones reported this cycle: a decision reported before enforcement was on is asked for too.
    private(set) var asking: [Decision] = []
    static let askedPerCycle = 100

    init(
        enforce: Bool, budget: ActionBudget, rotating: Set<String>, failedAt: [String: Date], gaveUp: Set<String> = [], now: Date,
        selecting: Bool, approvals: [String: Approval] = [:]
    ) {
        self.approvals = approvals
        self.enforce = enforce
        self.rotating = rotating
        self.failedAt = failedAt
        self.gaveUp = gaveUp
        self.now = now
        ledger = ActionBudget.Ledger(budget)
        digest = DecisionDigest(selecting: selecting)
    }

    /// Takes a batch of decisions; returns the memos of those reported rather than carried out.
    mutating func take(_ decisions: [Decision]) -> [DecisionMemo] {
        var memos: [DecisionMemo] = []
        for decision in decisions {
            digest.add(decision)
            let reference = decision.token.reference
            guard !rotating.contains(reference) else { continue }
            if decision.hold == .sharedDestination, sharing[decision.rule, default: []].count < 7 {
                sharing[decision.rule, default: []].append(reference)
            }
            if enforce, decision.hold == .awaitingApproval, asking.count < Self.askedPerCycle,
                approvals[reference].map({ $0.state != .pending || !$0.applies(to: decision, at: now) }) ?? true
            {
                asking.append(decision)
            }
            if let how = plainHandling(of: decision) {
                memos.append(memo(decision, how))
                continue
            }
            due += 1
            if let limit = ledger.charge(provider: decision.token.provider) {
                limits[decision.token.provider] = limit
                holdBack(decision)
                memos.append(memo(decision, .deferred))
            } else {
                within.append(decision)
            }
        }
        return memos
    }

    /// Moves the writes past the first `granted` to held back (the daemon's providers share one
    /// limit per interval); returns their memos.
    mutating func grant(_ granted: Int, limit: String) -> [DecisionMemo] {
        guard granted < within.count else { return [] }
        let refused = within[max(0, granted)...]
        within.removeSubrange(max(0, granted)...)
        for decision in refused {
            demoted[decision.token.reference] = limit
            holdBack(decision)
        }
        return refused.map { memo($0, .deferred) }
    }

    /// How a decision is handled, and the limit that held it back when it was; nil for a write
    /// carried out (which is never reported as a decision).
    func handling(of decision: Decision) -> (how: Handling, limit: String?)? {
        if let how = plainHandling(of: decision) { return (how, nil) }
        let reference = decision.token.reference
        if let limit = demoted[reference] { return (.deferred, limit) }
        if within.contains(where: { $0.token.reference == reference }) { return nil }
        return (.deferred, limits[decision.token.provider])
    }

    /// The handling that does not depend on the budget: nil for a write.
    private func plainHandling(of decision: Decision) -> Handling? {
        if decision.hold != nil { return .held }
        if decision.action == .notify { return .notify }
        if !enforce { return .report }
        if gaveUp.contains(decision.token.reference) { return .gaveUp }
        if decision.action == .rotate, failedAt[decision.token.reference] != nil { return .waiting }
        return nil
    }

    private mutating func holdBack(_ decision: Decision) {
        heldBack += 1
        if heldBackSample.count < 5 { heldBackSample.append(decision.token) }
    }

    private func memo(_ decision: Decision, _ how: Handling) -> DecisionMemo {
        var notice: RememberedDecisions.Notice?
        if how == .notify, let expires = decision.token.expiresAt, let stage = decision.noticeStage(at: now) {
            notice = RememberedDecisions.Notice(expiresAt: expires.millisecondsSince1970, stage: stage)
        }
        // Held outside its window: what was remembered of the same decision (a notice sent in the
        // last window) stays, so each opening does not send it again; a decision new to the store
        // is remembered as held, and reported once.
        var unheld = decision
        unheld.hold = nil
        return DecisionMemo(
            provider: decision.token.provider, tokenID: decision.token.id, facts: decision.factsKey + "|" + how.rawValue, notice: notice,
            keepIfRemembered: decision.hold == .outsideWindow ? unheld.factsKey + "|" : nil)
    }
}

import Foundation
import Testing
import TokenWardenCore

@testable import TokenWardenCLI

/// The own-credentials section of `tokenwarden plan`: when each is replaced, what holds a due one,
/// and where `rotate_own_credential` has nothing to act on.
@Suite struct PlanOwnCredentialTests {
    static let now = Date(timeIntervalSince1970: 1_796_000_000)

    static func rotation(expiresInDays days: Double, hold: OwnCredentialRotation.Hold?) -> OwnCredentialRotation {
        let token = Token(
            provider: "awx-main", id: "5", name: "tokenwarden", createdAt: now - 300 * 86_400, expiresAt: now + days * 86_400,
            state: .active, firstSeenAt: now, lastSeenAt: now)
        var rotation = OwnCredentialRotation(token: token, lead: .days(30))!
        rotation.hold = hold
        return rotation
    }

    @Test(arguments: [
        (20.0, OwnCredentialRotation.Hold?.none, "DUE: a successor is made at the next cycle"),
        (20.0, .reportOnly, "HELD, due since 2026-11-20 (10d ago): report-only (enforce = false); nothing is created"),
        (20.0, .paused, "HELD, due since 2026-11-20 (10d ago): writes are paused"),
        (45.0, .reportOnly, "replaced from 2026-12-15 (in 15d) (30d before it expires)"),
    ])
    func eachOwnCredentialSaysWhenItIsReplacedOrWhatHoldsIt(days: Double, hold: OwnCredentialRotation.Hold?, expected: String) throws {
        let text = try #require(Plan.ownCredentialLines([Self.rotation(expiresInDays: days, hold: hold)], idle: [], now: Self.now))
        #expect(text.contains(expected), "\(text)")
        #expect(text.hasPrefix("tokenwarden's own credentials (rotate_own_credential):\n  awx-main/5 \"tokenwarden\": expires "))
    }

    @Test func aKeyWithNothingToActOnIsSaidAndNoKeyNoSection() throws {
        #expect(Plan.ownCredentialLines([], idle: [], now: Self.now) == nil)
        let text = try #require(Plan.ownCredentialLines([], idle: ["sp/abc: never expires, so rotate_own_credential never acts"], now: Self.now))
        #expect(text == "tokenwarden's own credentials (rotate_own_credential):\n  sp/abc: never expires, so rotate_own_credential never acts")
    }
}

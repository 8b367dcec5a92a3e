import Foundation
import Testing
import TokenWardenCore

@Suite struct SuccessorNameTests {
    static let day = Date(timeIntervalSince1970: 1_796_551_200)  // 2026-12-06T10:00:00Z

    @Test(arguments: [
        ("ci-deploy", "ci-deploy"),
        ("ci-deploy (rotated 2026-12-06)", "ci-deploy"),
        ("ci-deploy (rotated 2026-12-06 #3)", "ci-deploy"),
        ("ci-deploy (rotated 2026-12-06) (rotated 2027-01-02)", "ci-deploy (rotated 2026-12-06)"),
        ("ci-deploy (rotated soon)", "ci-deploy (rotated soon)"),
        ("ci-deploy (rotated 2026-12-06 #)", "ci-deploy (rotated 2026-12-06 #)"),
        ("ci-deploy (rotated 2026-12-06", "ci-deploy (rotated 2026-12-06"),
        ("(rotated 2026-12-06)", "(rotated 2026-12-06)"),
    ])
    func theBaseNameDropsOneTrailingMarkerAndNothingElse(name: String, base: String) {
        #expect(SuccessorName.base(of: name) == base)
    }

    @Test func aSuccessorCarriesTheDayItWasRotatedAndDiffersFromTheLiveNames() {
        #expect(SuccessorName.make(base: "ci-deploy", on: Self.day, maxLength: 128, taken: ["ci-deploy"]) == "ci-deploy (rotated 2026-12-06)")
        let taken: Set = ["ci-deploy (rotated 2026-12-06)", "ci-deploy (rotated 2026-12-06 #2)"]
        #expect(SuccessorName.make(base: "ci-deploy", on: Self.day, maxLength: 128, taken: taken) == "ci-deploy (rotated 2026-12-06 #3)")
    }

    @Test func aLaterRotationReplacesTheMarkerInsteadOfStackingOne() {
        let first = SuccessorName.make(base: "ci-deploy", on: Self.day, maxLength: 128, taken: [])
        let later = SuccessorName.make(base: SuccessorName.base(of: first), on: Self.day + 90 * 86_400, maxLength: 128, taken: [first])
        #expect(later == "ci-deploy (rotated 2027-03-06)")
    }

    @Test(arguments: [30, 40, 64])
    func aLongNameIsCutSoTheWholeNameFitsTheProvidersLimit(limit: Int) {
        let base = String(repeating: "é", count: 20) + " " + String(repeating: "x", count: 100)
        let name = SuccessorName.make(base: base, on: Self.day, maxLength: limit, taken: [])
        #expect(name.unicodeScalars.count <= limit)
        #expect(name.hasSuffix(" (rotated 2026-12-06)"))
        #expect(!name.hasPrefix(" ") && name.hasPrefix("é"))
    }

    @Test func aDecomposedCharacterIsNeverSplitWhenANameIsCut() {
        let decomposed = String(repeating: "e\u{301}", count: 10)
        let name = SuccessorName.make(base: decomposed, on: Self.day, maxLength: 21 + 5, taken: [])
        #expect(name == String(repeating: "e\u{301}", count: 2) + " (rotated 2026-12-06)")
    }

    @Test func everyProviderThatCreatesTokensHasANameLimitRoomyEnoughForAMarker() {
        let creating = ProviderKind.allCases.filter { $0.capabilities.contains(.create) }
        #expect(creating.count == 5)
        for kind in creating { #expect(kind.maxTokenNameLength >= 64, "\(kind)") }
    }
}

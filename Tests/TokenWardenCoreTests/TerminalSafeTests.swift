import Testing
import TokenWardenCore

/// Provider strings shown on a terminal can neither move the cursor, start a line nor reverse text.
@Suite struct TerminalSafeTests {
    @Test(arguments: [
        ("deploy-bot", "deploy-bot"),
        ("robot-été ✓", "robot-été ✓"),
        ("\u{1B}[2J\u{1B}[Hforged", "\\u{1B}[2J\\u{1B}[Hforged"),
        ("a\rb\nc\td\u{07}", "a\\u{D}b\\u{A}c\\u{9}d\\u{7}"),
        ("x\u{7F}y\u{9B}31m", "x\\u{7F}y\\u{9B}31m"),
        ("admin\u{202E}nimda", "admin\\u{202E}nimda"),
        ("\u{2066}iso\u{2069}\u{200F}", "\\u{2066}iso\\u{2069}\\u{200F}"),
        ("line\u{2028}FORGED\u{2029}para\u{85}", "line\\u{2028}FORGED\\u{2029}para\\u{85}"),
    ])
    func controlAndBidiCharactersAreEscaped(raw: String, shown: String) {
        #expect(raw.terminalSafe == shown)
    }
}

/// Provider strings are kept to a sane size before they are stored.
@Suite struct ObservedTokenCapTests {
    @Test func hugeProviderStringsAreCutButTheIdIsKept() {
        let huge = String(repeating: "x", count: 5_000)
        let token = ObservedToken(
            id: "42", name: huge, owner: huge, scopes: Array(repeating: huge, count: 500),
            extras: Dictionary(uniqueKeysWithValues: (0..<500).map { ("k\($0)", huge) }))
        let capped = token.capped
        #expect(capped.id == "42")
        #expect(capped.name.count == ObservedToken.fieldLimit && capped.name.hasSuffix("…"))
        #expect(capped.owner?.count == ObservedToken.fieldLimit)
        #expect(capped.scopes.count == ObservedToken.countLimit && capped.extras.count == ObservedToken.countLimit)
        let small = ObservedToken(id: "1", name: "deploy-bot", owner: "alice")
        #expect(small.capped == small)
    }
}

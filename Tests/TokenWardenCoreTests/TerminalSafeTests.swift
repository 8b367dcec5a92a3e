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
    ])
    func controlAndBidiCharactersAreEscaped(raw: String, shown: String) {
        #expect(raw.terminalSafe == shown)
    }
}

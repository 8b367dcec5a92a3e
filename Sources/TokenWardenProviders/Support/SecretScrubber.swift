import Foundation

/// Removes credentials from text a server sent back (error excerpts), in every form a server could
/// echo them: as sent, base64 (HTTP Basic), percent-encoded (SailPoint's form body), JSON-escaped,
/// and the `Authorization` value of the request itself (which covers SailPoint's access token, a JWT
/// tokenwarden never had in a file). Scrubbed before the text is cut to length: cutting first could
/// leave a credential's head in the message.
struct SecretScrubber: Sendable {
    private let forms: [String]

    init(_ secrets: [String]) {
        var forms: Set<String> = []
        for secret in secrets where secret.count >= 4 {
            forms.insert(secret)
            forms.insert(Data(secret.utf8).base64EncodedString())
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) { forms.insert(encoded) }
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) { forms.insert(encoded) }
            let json = secret.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "/", with: "\\/")
            forms.insert(json)
        }
        // Longest first, so a form containing another is removed whole.
        self.forms = forms.sorted { $0.count > $1.count }
    }

    /// `text` with every form of every secret replaced by `<redacted>`.
    func scrub(_ text: String) -> String {
        forms.reduce(text) { $0.replacingOccurrences(of: $1, with: "<redacted>") }
    }

    /// ` (server said: …)` from the start of a body: scrubbed, then put on one line and cut to `limit`.
    func excerpt(of body: some Collection<UInt8>, limit: Int = 300) -> String {
        // A window far longer than anything shown, so a secret starting inside what is shown is whole in it.
        let window = scrub(String(decoding: body.prefix(16 << 10), as: UTF8.self))
        let line = window.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            .trimmingCharacters(in: .whitespaces)
        let text = String(line.prefix(limit))
        return text.isEmpty ? "" : " (server said: \(text))"
    }
}

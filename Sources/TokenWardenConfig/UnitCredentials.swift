/// The credentials the installed unit hands the service (`LoadCredential=` in `tokenwarden.service`
/// and its drop-ins), read from `systemctl show` so that the admin's shell resolves a bare
/// `credential = "awx-main"` to the same file the service gets.
public struct UnitCredentials: Sendable, Equatable {
    /// The unit they came from, for messages.
    public let unit: String
    /// Credential name → the source `LoadCredential=` names: an absolute path, or a name looked up
    /// in the credential stores.
    public let sources: [String: String]
    /// Names given with `LoadCredentialEncrypted=`: only the service manager can decrypt them.
    public let encrypted: Set<String>

    /// Where systemd looks for a `LoadCredential=` source that is not an absolute path (systemd.exec(5)).
    public static let credentialStores = ["/etc/credstore", "/run/credstore", "/usr/local/lib/credstore", "/usr/lib/credstore"]

    public init(unit: String, sources: [String: String], encrypted: Set<String> = []) {
        self.unit = unit
        self.sources = sources
        self.encrypted = encrypted
    }

    /// Reads `systemctl show UNIT -p LoadCredential -p LoadCredentialEncrypted`: one `KEY=ID:PATH` line
    /// per entry (`KEY=ID` for an entry without a path).
    public static func parse(systemctlShow text: String, unit: String) -> UnitCredentials {
        var sources: [String: String] = [:]
        var encrypted: Set<String> = []
        for line in text.split(whereSeparator: \.isNewline) {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals], value = line[line.index(after: equals)...]
            guard key == "LoadCredential" || key == "LoadCredentialEncrypted", !value.isEmpty else { continue }
            let name: Substring, source: Substring
            if let colon = value.firstIndex(of: ":") {
                (name, source) = (value[..<colon], value[value.index(after: colon)...])
            } else {
                (name, source) = (value, value)
            }
            guard !name.isEmpty else { continue }
            if key == "LoadCredentialEncrypted" { encrypted.insert(String(name)) } else { sources[String(name)] = String(source.isEmpty ? name : source) }
        }
        return UnitCredentials(unit: unit, sources: sources, encrypted: encrypted)
    }

    /// The file the service gets as credential `name`: the absolute source, or the first credential
    /// store holding the relative one; nil when the unit does not load it.
    public func path(of name: String, exists: (String) -> Bool) -> String? {
        guard let source = sources[name] else { return nil }
        if source.hasPrefix("/") { return source }
        let candidates = Self.credentialStores.map { "\($0)/\(source)" }
        return candidates.first(where: exists) ?? candidates[0]
    }
}

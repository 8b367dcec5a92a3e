/// The credentials the installed unit hands the service (`LoadCredential=` in `tokenwarden.service`
/// and its drop-ins), read from `systemctl cat` so that the admin's shell resolves a bare
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

    /// Reads the unit as `systemctl cat` prints it (the unit file, then each drop-in): the
    /// `LoadCredential=` and `LoadCredentialEncrypted=` lines of its `[Service]` sections, in order,
    /// where an empty assignment clears the list as systemd does. (`systemctl show -p LoadCredential`
    /// prints "[unprintable]" on systemd 252, Debian 12's.) `ID:PATH`, or `ID` alone for a credential
    /// store entry of that name.
    public static func parse(unitFiles text: String, unit: String) -> UnitCredentials {
        var sources: [String: String] = [:]
        var encrypted: Set<String> = []
        var section: Substring?
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                section = Substring(line.dropFirst().dropLast())
                continue
            }
            guard section == nil || section == "Service", let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard key == "LoadCredential" || key == "LoadCredentialEncrypted" else { continue }
            if value.isEmpty {
                if key == "LoadCredential" { sources = [:] } else { encrypted = [] }
                continue
            }
            let name: Substring
            let source: Substring
            if let colon = value.firstIndex(of: ":") {
                (name, source) = (value[..<colon], value[value.index(after: colon)...])
            } else {
                (name, source) = (Substring(value), Substring(value))
            }
            guard !name.isEmpty else { continue }
            if key == "LoadCredentialEncrypted" {
                encrypted.insert(String(name))
                sources[String(name)] = nil
            } else {
                sources[String(name)] = String(source.isEmpty ? name : source)
                encrypted.remove(String(name))
            }
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

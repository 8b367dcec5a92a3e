import Foundation
import TokenWardenCore

/// The `[[provider]]` tables: id, kind, base URL (loopback only over plain HTTP), credential and owner credentials.
extension ConfigLoader {
    func readProviders(document: TOMLDocument, sink: ProblemSink) -> [ProviderConfig] {
        var seen: [String: Int] = [:]
        return document.entries(of: "provider", identifiedBy: "id", sink: sink).compactMap { index, reader in
            readProvider(reader, seen: &seen, index: index)
        }
    }

    func readProvider(_ reader: TableReader, seen: inout [String: Int], index: Int) -> ProviderConfig? {
        let before = reader.sink.problems.count
        reader.rejectUnknownKeys(allowed: ConfigReference.provider.names)
        let id = reader.string("id", required: true)
        if let id {
            if id.range(of: "^[a-z0-9-]+$", options: .regularExpression) == nil {
                reader.report("id", "\"\(id)\" may contain only a-z, 0-9 and \"-\"")
            } else if let first = seen[id] {
                reader.report("id", "\"\(id)\" is already the id of provider #\(first + 1); ids must be unique")
            } else {
                seen[id] = index
            }
        }
        var kind: ProviderKind?
        if let text = reader.string("kind", required: true) {
            kind = ProviderKind(rawValue: text)
            if kind == nil {
                let kinds = ProviderKind.allCases.map(\.rawValue)
                reader.report(
                    "kind", "unknown kind \"\(text)\" (valid: \(kinds.joined(separator: ", ")))",
                    suggestion: NearestWord.suggestion(for: text, among: kinds))
            }
        }
        let baseURL = reader.string("base_url", required: true).flatMap { text in
            Self.validateBaseURL(text, report: { reader.report("base_url", $0) })
        }
        let credential = Self.credential(reader)
        var pollInterval: TimeSpan?
        if let interval = reader.timeSpan("poll_interval") {
            if interval.seconds >= 1 { pollInterval = interval } else { reader.report("poll_interval", "must be at least 1s") }
        }
        var selfTokenID: String?
        switch reader.values["self_token_id"] {
        case .integer(let number)?: selfTokenID = String(number)
        case .some: selfTokenID = reader.string("self_token_id")
        case nil: break
        }
        let maxActions = reader.integer("max_actions_per_cycle", in: 0...100_000)
        let identity = reader.string("identity")
        var limits = ListingLimits.standard
        if let pages = reader.integer("max_listing_pages", in: 1...100_000_000) { limits.pages = pages }
        if let time = reader.timeSpan("max_listing_time") {
            if time.seconds >= 1 { limits.time = time } else { reader.report("max_listing_time", "must be at least 1s (the default is 2h)") }
        }
        let owners = readOwners(reader, kind: kind)
        let rotateOwn = readRotateOwnCredential(reader, kind: kind, selfTokenID: selfTokenID)
        guard reader.sink.problems.count == before, let id, let kind, let baseURL, let credential else { return nil }
        return ProviderConfig(
            id: id, kind: kind, baseURL: baseURL, credential: credential,
            pollInterval: pollInterval, selfTokenID: selfTokenID, maxActionsPerCycle: maxActions,
            identity: identity, owners: owners, listingLimits: limits, rotateOwnCredential: rotateOwn)
    }

    /// `rotate_own_credential = "30d"`: only where the kind can create tokens, and only where
    /// tokenwarden knows which token its credential is (SailPoint's is its client id).
    func readRotateOwnCredential(_ reader: TableReader, kind: ProviderKind?, selfTokenID: String?) -> TimeSpan? {
        guard let lead = reader.timeSpan("rotate_own_credential") else { return nil }
        guard lead.seconds >= 86_400 else {
            reader.report("rotate_own_credential", "must be at least 1d: it is how long before its own credential expires tokenwarden replaces it")
            return nil
        }
        guard let kind else { return nil }
        guard kind.capabilities.contains(.create) else {
            reader.report(
                "rotate_own_credential",
                "\(kind.displayName) has no API to create tokens, so tokenwarden cannot replace its own credential there: remove the key "
                    + "and replace the credential by hand")
            return nil
        }
        if kind != .sailPoint, selfTokenID == nil {
            reader.report(
                "rotate_own_credential",
                "needs self_token_id: tokenwarden must know which \(kind.displayName) token its credential is before it replaces it")
            return nil
        }
        return lead
    }

    /// `credential = "…"`: an absolute path, or a bare name passed with `LoadCredential=`.
    static func credential(_ reader: TableReader) -> CredentialReference? {
        reader.string("credential", required: true).flatMap { text -> CredentialReference? in
            if text.hasPrefix("/") { return .file(path: text) }
            if text.contains("/") {
                reader.report(
                    reader.prefix + "credential",
                    "\"\(text)\" is a relative path; give an absolute path to a 0600 file, or a bare name passed with LoadCredential=")
                return nil
            }
            return .systemd(name: text)
        }
    }

    /// The `[[provider.owner]]` tables: one credential per token owner, names unique.
    func readOwners(_ reader: TableReader, kind: ProviderKind?) -> [OwnerCredential] {
        guard let value = reader.values["owner"] else { return [] }
        guard case .array(let items) = value else {
            reader.report("owner", "owner credentials are written as [[provider.owner]] tables, found \(value.typeName)")
            return []
        }
        if let kind, kind.listsOnlyOwnTokens {
            reader.report(
                "owner",
                "\(kind.displayName) lists only the tokens of the credential that signs in, so every token it shows is the main "
                    + "credential's own: remove the [[provider.owner]] tables"
            )
            return []
        }
        var owners: [OwnerCredential] = []
        for (index, item) in items.enumerated() {
            guard case .table(let values) = item else {
                reader.report("owner", "owner #\(index + 1) must be a [[provider.owner]] table")
                continue
            }
            let owner = TableReader(
                values: values, document: reader.document, sink: reader.sink,
                subject: (reader.subject.map { $0 + ", " } ?? "") + "owner #\(index + 1)", prefix: "owner.", locate: reader.locate)
            owner.rejectUnknownKeys(allowed: ConfigReference.providerOwner.names)
            guard let name = owner.string("name", required: true), let credential = Self.credential(owner) else { continue }
            if owners.contains(where: { $0.name == name }) {
                owner.report("owner.name", "\"\(name)\" already has a credential in this provider; give each owner one")
                continue
            }
            owners.append(OwnerCredential(name: name, credential: credential))
        }
        return owners
    }

    /// Scheme + host [+ port] [+ path prefix]; `http` only for loopback; no credentials, query or fragment.
    static func validateBaseURL(_ text: String, report: (String) -> Void) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            report("\"\(text)\" is not a URL; write it like \"https://acme.api.identitynow.com\"")
            return nil
        }
        guard scheme == "https" || scheme == "http" else {
            report("scheme \"\(scheme)\" is not supported; use https")
            return nil
        }
        if scheme == "http" && !isLoopback(host) {
            report("plain http is allowed only for loopback hosts (127.0.0.1, ::1, localhost); use https for \"\(host)\"")
            return nil
        }
        if components.user != nil || components.password != nil {
            report("must not contain a user name or password; put secrets in the credential file")
            return nil
        }
        if components.query != nil || components.fragment != nil {
            report("must not contain a query (?…) or fragment (#…)")
            return nil
        }
        return trimmingTrailingSlash(text)
    }

    /// A loopback address, or `localhost` when every address it resolves to is loopback (an
    /// `/etc/hosts` pointing it elsewhere would send the credential over plain http).
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" { return resolvesToLoopbackOnly(bare) }
        if bare == "::1" { return true }
        let octets = bare.split(separator: ".")
        return octets.count == 4 && octets.first == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    static func resolvesToLoopbackOnly(_ name: String) -> Bool {
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, nil, &result) == 0, let first = result else { return false }
        defer { freeaddrinfo(first) }
        var any = false
        for info in sequence(first: first, next: { $0.pointee.ai_next }) {
            any = true
            switch info.pointee.ai_family {
            case AF_INET:
                let address = info.pointee.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
                if UInt32(bigEndian: address) >> 24 != 127 { return false }
            case AF_INET6:
                let loopback = info.pointee.ai_addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { bytes in bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1 }
                }
                if !loopback { return false }
            default:
                return false
            }
        }
        return any
    }
}

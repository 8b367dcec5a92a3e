import Foundation
import TokenWardenCore

/// Reads and validates the main config file (`tokenwarden.toml`).
/// Every problem is collected; `read` also returns what was valid so `validate` can go on to check policies.
public struct ConfigLoader: Sendable {
    public static let defaultPath = "/etc/tokenwarden/tokenwarden.toml"

    /// Consulted for `$STATE_DIRECTORY` (set by systemd's `StateDirectory=`).
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The validated configuration, or every problem found.
    public func load(path: String) throws(ConfigError) -> Configuration {
        let (configuration, problems) = read(path: path)
        guard let configuration, problems.isEmpty else { throw ConfigError(problems: problems) }
        return configuration
    }

    /// Best effort: a configuration built from the valid parts (nil if the file is unusable) and all problems.
    public func read(path rawPath: String) -> (configuration: Configuration?, problems: [ConfigProblem]) {
        let path = URL(fileURLWithPath: rawPath).standardizedFileURL.path
        // A config anyone else could rewrite is not read at all (see `WriteAccess`).
        for checked in [(path as NSString).deletingLastPathComponent, path] {
            if let problem = WriteAccess.problem(checked) {
                return (nil, [ConfigProblem(file: checked, message: problem)])
            }
        }
        let document: TOMLDocument
        switch TOMLDocument.load(path: path) {
        case .success(let loaded): document = loaded
        case .failure(let problem): return (nil, [problem])
        }
        let sink = ProblemSink()
        document.rootReader(sink: sink).rejectUnknownKeys(allowed: ["daemon", "provider", "notifier", "owners", "owner", "metrics"])
        let daemon = readDaemon(document: document, sink: sink, configDirectory: (path as NSString).deletingLastPathComponent)
        let providers = readProviders(document: document, sink: sink)
        let notifiers = readNotifiers(document: document, sink: sink)
        Self.checkAlertTo(daemon, notifiers: notifiers, document: document, sink: sink)
        let owners = readOwners(document: document, notifiers: notifiers, sink: sink)
        var configuration = Configuration(sourcePath: path, daemon: daemon, providers: providers, notifiers: notifiers, owners: owners)
        configuration.metrics = readMetrics(document: document, sink: sink)
        return (configuration, sink.problems)
    }

    /// `[metrics]`: the textfile (an absolute `*.prom` path in an existing directory), the loopback
    /// address to serve them on, and the horizon.
    private func readMetrics(document: TOMLDocument, sink: ProblemSink) -> MetricsSettings {
        var settings = MetricsSettings()
        guard let reader = document.table("metrics", sink: sink) else { return settings }
        reader.rejectUnknownKeys(allowed: ["textfile", "listen", "horizon"])
        if let path = reader.string("textfile") {
            let directory = (path as NSString).deletingLastPathComponent
            var isDirectory: ObjCBool = false
            if !path.hasPrefix("/") || !path.hasSuffix(".prom") {
                reader.report(
                    "textfile", "\"\(path)\" must be an absolute path ending in .prom (node_exporter's textfile collector reads only those)")
            } else if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
                reader.report(
                    "textfile",
                    "\(directory) does not exist: create it, or name the directory node_exporter's --collector.textfile.directory reads "
                        + "(Debian: /var/lib/prometheus/node-exporter)")
            } else {
                settings.textfile = path
            }
        }
        if let listen = reader.string("listen") {
            switch ListenAddress.parse(listen) {
            case .success(let address): settings.listen = address
            case .failure(let problem): reader.report("listen", problem.description)
            }
        }
        if let horizon = reader.timeSpan("horizon") {
            if horizon.seconds == 0 { reader.report("horizon", "must be longer than 0s") } else { settings.horizon = horizon }
        }
        return settings
    }

    private func readDaemon(document: TOMLDocument, sink: ProblemSink, configDirectory: String) -> DaemonSettings {
        let defaultState =
            environment["STATE_DIRECTORY"].flatMap { $0.split(separator: ":").first.map(String.init) }
            ?? DaemonSettings.defaultStateDirectory
        var settings = DaemonSettings(stateDirectory: defaultState, policyDirectory: configDirectory + "/policies.d")
        guard let reader = document.table("daemon", sink: sink) else { return settings }
        reader.rejectUnknownKeys(allowed: [
            "state_directory", "policy_directory", "poll_interval", "enforce", "max_actions_per_cycle", "request_timeout", "alert_to",
            "alert_after_failing", "give_up_after",
        ])
        settings.alertTo = reader.strings("alert_to") ?? []
        if let span = reader.timeSpan("alert_after_failing") {
            if span.seconds == 0 { reader.report("alert_after_failing", "must be longer than 0s") } else { settings.alertAfterFailing = span }
        }
        if let state = reader.string("state_directory") {
            if state.hasPrefix("/") {
                settings.stateDirectory = Self.trimmingTrailingSlash(state)
            } else {
                reader.report("state_directory", "must be an absolute path, e.g. \"/var/lib/tokenwarden\"")
            }
        }
        if let policies = reader.string("policy_directory") {
            let absolute = policies.hasPrefix("/") ? policies : configDirectory + "/" + policies
            settings.policyDirectory = Self.trimmingTrailingSlash(URL(fileURLWithPath: absolute).standardizedFileURL.path)
        }
        if let interval = reader.timeSpan("poll_interval") {
            if interval.seconds >= 1 {
                settings.pollInterval = interval
            } else {
                reader.report("poll_interval", "must be at least 1s (the default is \(DaemonSettings.defaultPollInterval))")
            }
        }
        if let enforce = reader.boolean("enforce") { settings.enforce = enforce }
        if let limit = reader.integer("max_actions_per_cycle", in: 0...100_000) { settings.maxActionsPerCycle = limit }
        if let attempts = reader.integer("give_up_after", in: 1...1_000) { settings.giveUpAfter = attempts }
        if let timeout = reader.timeSpan("request_timeout") {
            if (1...3_600).contains(timeout.seconds) {
                settings.requestTimeout = timeout
            } else {
                reader.report("request_timeout", "must be between 1s and 1h (the default is \(DaemonSettings.defaultRequestTimeout))")
            }
        }
        return settings
    }

    private func readProviders(document: TOMLDocument, sink: ProblemSink) -> [ProviderConfig] {
        var seen: [String: Int] = [:]
        return document.entries(of: "provider", identifiedBy: "id", sink: sink).compactMap { index, reader in
            readProvider(reader, seen: &seen, index: index)
        }
    }

    private func readProvider(_ reader: TableReader, seen: inout [String: Int], index: Int) -> ProviderConfig? {
        let before = reader.sink.problems.count
        reader.rejectUnknownKeys(allowed: [
            "id", "kind", "base_url", "credential", "poll_interval", "self_token_id", "max_actions_per_cycle",
            "identity", "owner", "max_listing_pages", "max_listing_time",
        ])
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
        guard reader.sink.problems.count == before, let id, let kind, let baseURL, let credential else { return nil }
        return ProviderConfig(
            id: id, kind: kind, baseURL: baseURL, credential: credential,
            pollInterval: pollInterval, selfTokenID: selfTokenID, maxActionsPerCycle: maxActions,
            identity: identity, owners: owners, listingLimits: limits)
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
    private func readOwners(_ reader: TableReader, kind: ProviderKind?) -> [OwnerCredential] {
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
            owner.rejectUnknownKeys(allowed: ["name", "credential"])
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

    static func trimmingTrailingSlash(_ text: String) -> String {
        var text = text
        while text.count > 1 && text.hasSuffix("/") { text.removeLast() }
        return text
    }
}

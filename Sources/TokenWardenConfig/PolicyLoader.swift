import Foundation
import TokenWardenCore

/// Reads every `*.toml` in the policy directory, in name order, into one validated `PolicySet`.
/// Rules are checked against the configured providers, so a rule that could never fire is an error.
public struct PolicyLoader: Sendable {
    // The allowed keys come from the reference that tokenwarden-policies(5) is rendered from.
    static let ruleKeys = PolicyReference.rule.names
    static let matchKeys = PolicyReference.match.names
    static let whenKeys = PolicyReference.when.names
    static let deliverKeys = PolicyReference.deliver.names
    static let notifyKeys = PolicyReference.notify.names

    /// The ids of the configured `[[notifier]]`s, which `notify.to` may name.
    let notifiers: [String]
    /// Whether `[owners] fallback` is configured, which `notify.to = ["owner"]` needs.
    let ownersConfigured: Bool

    public init(notifiers: [String] = [], ownersConfigured: Bool = false) {
        self.notifiers = notifiers
        self.ownersConfigured = ownersConfigured
    }

    /// Ids of `[[provider]]` tables the main config declared but refused (an unknown kind, say):
    /// rules naming them get no follow-on error.
    public var rejectedProviders: Set<String> = []

    /// The loader for a configuration's notifiers and owner map.
    public init(for configuration: Configuration) {
        self.init(notifiers: configuration.notifiers.map(\.id), ownersConfigured: configuration.owners.fallback != nil)
    }

    /// Best effort: the rules that are valid, and every problem. A missing directory means no rules.
    public func read(directory: String, providers: [ProviderConfig]) -> (policies: PolicySet, problems: [ConfigProblem]) {
        var policies = PolicySet(directory: directory, files: [], rules: [])
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            if !FileManager.default.fileExists(atPath: directory) { return (policies, []) }
            return (
                policies, [ConfigProblem(file: directory, message: "cannot list the policy directory: \((error as NSError).localizedDescription)")]
            )
        }
        let sink = ProblemSink()
        // An unsafe directory's files are not read (anyone could have put them there), but each
        // one's own access is still checked: every permission problem is reported in one run.
        let unsafeDirectory = WriteAccess.problem(directory)
        if let unsafeDirectory { sink.add(ConfigProblem(file: directory, message: unsafeDirectory)) }
        var ruleFiles: [String: String] = [:]
        // Byte order, so "10-x" runs before "20-y" whatever the locale; dot-files are editor leftovers.
        for name in entries.filter({ $0.hasSuffix(".toml") && !$0.hasPrefix(".") }).sorted(by: {
            Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
        }) {
            let path = directory + "/" + name
            policies.files.append(path)
            if let problem = WriteAccess.problem(path) {
                sink.add(ConfigProblem(file: path, message: problem))
                continue
            }
            if unsafeDirectory != nil { continue }
            switch TOMLDocument.load(path: path) {
            case .failure(let problem): sink.add(problem)
            case .success(let document):
                policies.rules += readRules(document, providers: providers, sink: sink, seenNames: &ruleFiles)
            }
        }
        if unsafeDirectory != nil { return (PolicySet(directory: directory, files: [], rules: []), sink.problems) }
        Self.checkSharedDestinations(policies.rules, sink: sink)
        return (policies, sink.problems)
    }

    /// A `deliver.file` inside the state directory could overwrite the token database or the spool.
    public static func deliveriesIntoState(_ rules: [Rule], stateDirectory: String) -> [ConfigProblem] {
        rules.compactMap { rule in
            guard case .file(let path)? = rule.delivery?.target, isInside(path, stateDirectory) else { return nil }
            return ConfigProblem(
                file: rule.sourceFile, subject: "rule \"\(rule.name)\"", key: "deliver.file",
                message: "\(path) is inside the state directory \(stateDirectory), where it could overwrite the token database; deliver elsewhere")
        }
    }

    /// Whether `path` is `directory` or below it (compared after standardizing both).
    public static func isInside(_ path: String, _ directory: String) -> Bool {
        let path = URL(fileURLWithPath: path).standardizedFileURL.path
        let directory = URL(fileURLWithPath: directory).standardizedFileURL.path
        return path == directory || path.hasPrefix(directory.hasSuffix("/") ? directory : directory + "/")
    }

    /// Two rotate rules delivering to one file (or one command that does not name its token) would
    /// overwrite each other's secrets: the consumer gets one, the other successor is delivered nowhere.
    static func checkSharedDestinations(_ rules: [Rule], sink: ProblemSink) {
        var first: [String: Rule] = [:]
        for rule in rules {
            guard let delivery = rule.delivery, !delivery.isPerToken else { continue }
            if let earlier = first[delivery.destination] {
                sink.add(
                    ConfigProblem(
                        file: rule.sourceFile, subject: "rule \"\(rule.name)\"", key: "deliver",
                        message: "delivers to the same \(delivery.destination) as rule \"\(earlier.name)\" (\(earlier.sourceFile)); "
                            + "each rotated token needs a destination of its own"))
            } else {
                first[delivery.destination] = rule
            }
        }
    }

    func readRules(
        _ document: TOMLDocument, providers: [ProviderConfig], sink: ProblemSink,
        seenNames: inout [String: String]
    ) -> [Rule] {
        document.rootReader(sink: sink).rejectUnknownKeys(allowed: ["rule"])
        return document.entries(of: "rule", identifiedBy: "name", sink: sink).compactMap { _, reader in
            readRule(reader, providers: providers, seenNames: &seenNames)
        }
    }
}

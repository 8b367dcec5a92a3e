import Foundation
import TokenWardenCore

/// `[owners]` and the `[[owner]]` map: where `notify.to = ["owner"]` sends.
extension ConfigLoader {
    static let ownersKeys = ConfigReference.owners.names
    static let ownerKeys = ConfigReference.owner.names

    func readOwners(document: TOMLDocument, notifiers: [Notifier], sink: ProblemSink) -> OwnerMap {
        var map = OwnerMap()
        let ids = notifiers.map(\.id)
        if let reader = document.table("owners", sink: sink) {
            reader.rejectUnknownKeys(allowed: Self.ownersKeys)
            if let fallback = reader.string("fallback") {
                if ids.contains(fallback) {
                    map.fallback = fallback
                } else {
                    reader.report("fallback", Self.unknownNotifier(fallback, ids: ids), suggestion: NearestWord.suggestion(for: fallback, among: ids))
                }
            }
            if let mail = reader.string("mail") {
                if case .mail? = notifiers.first(where: { $0.id == mail })?.channel {
                    map.mail = mail
                } else if ids.contains(mail) {
                    reader.report("mail", "notifier \"\(mail)\" is not a mail notifier; owner addresses are sent through one with kind = \"mail\"")
                } else {
                    reader.report("mail", Self.unknownNotifier(mail, ids: ids), suggestion: NearestWord.suggestion(for: mail, among: ids))
                }
            }
            if let addresses = reader.boolean("provider_addresses") { map.providerAddresses = addresses }
        }
        for (_, reader) in document.entries(of: "owner", identifiedBy: "match", sink: sink) {
            reader.rejectUnknownKeys(allowed: Self.ownerKeys)
            let match = reader.string("match", required: true)
            let to = reader.string("to", required: true)
            guard let match, let to else { continue }
            if OwnerMap.isAddress(to) {
                if map.mail == nil {
                    reader.report("to", "\"\(to)\" is a mail address: name the mail notifier to send it through in [owners] mail = \"…\"")
                }
                map.entries.append(OwnerMap.Entry(owner: Glob(match), recipient: .address(to)))
            } else if ids.contains(to) {
                map.entries.append(OwnerMap.Entry(owner: Glob(match), recipient: .notifier(to)))
            } else {
                reader.report(
                    "to",
                    "\"\(to)\" is neither a mail address (user@host) nor a configured notifier"
                        + (ids.isEmpty ? "" : " (configured: \(ids.joined(separator: ", ")))"),
                    suggestion: NearestWord.suggestion(for: to, among: ids))
            }
        }
        if !map.entries.isEmpty && map.fallback == nil {
            sink.add(
                ConfigProblem(
                    file: document.path, line: document.locator.lineOfKey("owner"), subject: "[[owner]]", key: "owners.fallback",
                    message: "an owner map needs [owners] fallback = \"<notifier id>\": tokens whose owner it does not name are told to it"))
        }
        return map
    }

    static func unknownNotifier(_ id: String, ids: [String]) -> String {
        ids.isEmpty
            ? "names notifier \"\(id)\", but no [[notifier]] is configured"
            : "names notifier \"\(id)\", which is not configured (configured: \(ids.joined(separator: ", ")))"
    }
}

import Foundation
import TokenWardenCore

/// Holds a new secret on disk between its creation and its committed delivery, so a crash in between
/// resumes the delivery instead of losing the secret (the provider never shows it again).
/// `<state>/rotations/<id>.secret`, mode 0600 in a 0700 directory, deleted once delivery is committed:
/// the one place tokenwarden itself writes a secret, and only for those seconds.
public struct SecretSpool: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// The spool inside a state directory.
    public init(stateDirectory: String) { self.init(directory: stateDirectory + "/rotations") }

    func write(_ secret: Secret, rotation: Int64) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw DeliveryError("cannot create the rotation spool \(directory): \((error as NSError).localizedDescription)")
        }
        try AtomicFile.write(Data(secret.reveal().utf8), to: path(rotation), mode: 0o600)
    }

    func read(rotation: Int64) -> Secret? {
        guard let data = FileManager.default.contents(atPath: path(rotation)) else { return nil }
        return Secret(String(decoding: data, as: UTF8.self))
    }

    func remove(rotation: Int64) {
        unlink(path(rotation))
    }

    /// Spool files left behind, for tests and for start-up to report.
    public func leftovers() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".secret") }.sorted()
    }

    private func path(_ rotation: Int64) -> String { "\(directory)/\(rotation).secret" }
}

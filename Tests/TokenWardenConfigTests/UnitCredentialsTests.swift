import Foundation
import Testing
import TokenWardenConfig
import TokenWardenCore
import TokenWardenTestSupport

/// A bare credential name, used from the admin's shell, resolves to the file the unit's
/// `LoadCredential=` gives the service.
@Suite struct UnitCredentialsTests {
    static let shipped = """
        # /usr/lib/systemd/system/tokenwarden.service
        [Unit]
        Description=tokenwarden token-lifecycle daemon
        [Service]
        ExecStart=/usr/bin/tokenwarden daemon
        # LoadCredential=awx-main:/etc/tokenwarden/credentials/awx-main

        """

    @Test(
        arguments: [
            ("the shipped unit alone loads nothing", shipped, [String: String](), [String]()),
            (
                "a drop-in adds one per line",
                shipped + "# /etc/systemd/system/tokenwarden.service.d/credentials.conf\n[Service]\n"
                    + "LoadCredential=a:/x/a\nLoadCredential = b:/y/b\n", ["a": "/x/a", "b": "/y/b"], []
            ),
            (
                "an empty assignment clears what came before",
                "[Service]\nLoadCredential=a:/x/a\n# /etc/…/override.conf\n[Service]\nLoadCredential=\nLoadCredential=c:/z/c\n",
                ["c": "/z/c"], []
            ),
            (
                "no path: the credential stores", "[Service]\nLoadCredential=stored\nLoadCredential=rel:awx-prod\n",
                ["stored": "stored", "rel": "awx-prod"], []
            ),
            ("a path may hold colons", "[Service]\nLoadCredential=odd:/path:with:colons\n", ["odd": "/path:with:colons"], []),
            ("encrypted ones only systemd reads", "[Service]\nLoadCredentialEncrypted=sealed:/etc/credstore.encrypted/sealed\n", [:], ["sealed"]),
            (
                "other sections and nameless entries are not the service's", "[Install]\nLoadCredential=x:/x\n[Service]\nLoadCredential=:/nameless\n",
                [:], []
            ),
        ] as [(String, String, [String: String], [String])])
    func readsLoadCredentialFromTheUnitAndItsDropIns(_ situation: String, text: String, sources: [String: String], encrypted: [String]) {
        let parsed = UnitCredentials.parse(unitFiles: text, unit: "tokenwarden.service")
        #expect(parsed.sources == sources, "\(situation)")
        #expect(parsed.encrypted == Set(encrypted), "\(situation)")
    }

    @Test func aRelativeSourceIsTheFirstCredentialStoreThatHasIt() {
        let unit = UnitCredentials(unit: "tokenwarden.service", sources: ["a": "awx-prod", "b": "/abs/b"])
        #expect(unit.path(of: "a", exists: { $0 == "/run/credstore/awx-prod" }) == "/run/credstore/awx-prod")
        #expect(unit.path(of: "a", exists: { _ in false }) == "/etc/credstore/awx-prod", "named where systemd looks first")
        #expect(unit.path(of: "b", exists: { _ in false }) == "/abs/b")
        #expect(unit.path(of: "c", exists: { _ in true }) == nil)
    }

    @Test func aBareNameReadsTheUnitsSourceFileWhenNoCredentialsDirectoryIsSet() throws {
        let dir = try TemporaryDirectory()
        let source = try dir.write("awx-main", "bearer-from-source-7\n", mode: 0o600)
        let loader = CredentialLoader(
            environment: [:], unit: UnitCredentials(unit: "tokenwarden.service", sources: ["awx-main": source]),
            vault: CredentialVault())
        let loaded = try loader.load(.systemd(name: "awx-main"), kind: .awx)
        #expect(loaded.path == source)
        guard case .bearer(let token) = loaded.credential.value else {
            Issue.record("not a bearer credential")
            return
        }
        #expect(token == "bearer-from-source-7")
        // Under the service, $CREDENTIALS_DIRECTORY still wins.
        let service = CredentialLoader(
            environment: ["CREDENTIALS_DIRECTORY": dir.path + "/missing"],
            unit: loader.unit, vault: CredentialVault())
        #expect(throws: CredentialError.self) { try service.load(.systemd(name: "awx-main"), kind: .awx) }
    }

    /// The overflow uid is allowed for the copy systemd puts in $CREDENTIALS_DIRECTORY (root's files
    /// show so under PrivateUsers=), not for a source file read from a shell, where it is `nobody`.
    @Test(.enabled(if: getuid() == 0, "changing a file's owner needs root"))
    func aSourceFileOwnedByTheOverflowUserIsRefused() throws {
        let dir = try TemporaryDirectory()
        let source = try dir.write("awx-main", "bearer-of-nobody\n", mode: 0o600)
        let overflow = try #require(
            (try? String(contentsOfFile: "/proc/sys/kernel/overflowuid", encoding: .utf8))
                .flatMap { uid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(chown(source, overflow, overflow) == 0)
        let shell = CredentialLoader(
            environment: [:], unit: UnitCredentials(unit: "tokenwarden.service", sources: ["awx-main": source]),
            vault: CredentialVault())
        let refused = #expect(throws: CredentialError.self) { try shell.load(.systemd(name: "awx-main"), kind: .awx) }
        #expect(refused?.description.contains("belongs to uid \(overflow)") == true, "\(refused?.description ?? "")")
        let service = CredentialLoader(environment: ["CREDENTIALS_DIRECTORY": dir.path], vault: CredentialVault())
        #expect(throws: Never.self) { try service.load(.systemd(name: "awx-main"), kind: .awx) }
    }

    @Test func whatTheUnitDoesNotLoadOrOnlySystemdCanDecryptIsSaid() {
        let unit = UnitCredentials(unit: "tokenwarden.service", sources: [:], encrypted: ["sealed"])
        let loader = CredentialLoader(environment: [:], unit: unit, vault: CredentialVault())
        let missing = #expect(throws: CredentialError.self) { try loader.load(.systemd(name: "awx-main"), kind: .awx) }
        #expect(
            missing?.description == "\"awx-main\" names a systemd credential, but $CREDENTIALS_DIRECTORY is not set and tokenwarden.service has no "
                + "LoadCredential=awx-main:…; add it to the unit (a drop-in), or give an absolute path to a 0600 file instead")
        let sealed = #expect(throws: CredentialError.self) { try loader.load(.systemd(name: "sealed"), kind: .awx) }
        #expect(
            sealed?.description.hasPrefix("\"sealed\" is a LoadCredentialEncrypted= credential of tokenwarden.service: only systemd can decrypt it")
                == true)
        let noUnit = #expect(throws: CredentialError.self) {
            try CredentialLoader(environment: [:], vault: CredentialVault()).load(.systemd(name: "awx-main"), kind: .awx)
        }
        #expect(noUnit?.description.contains("no installed tokenwarden.service says where it comes from") == true)
    }

    /// Read once, before the command gives up root: later loads get the same answer without the file.
    @Test func aPreloadedCredentialIsServedFromTheVaultAfterItsFileIsGone() throws {
        let dir = try TemporaryDirectory()
        let source = try dir.write("awx-main", "bearer-vaulted-9\n", mode: 0o600)
        let vault = CredentialVault()
        let provider = ProviderConfig(
            id: "awx", kind: .awx, baseURL: "https://awx.example.com", credential: .systemd(name: "awx-main"),
            owners: [OwnerCredential(name: "bob", credential: .systemd(name: "awx-bob"))])
        let configuration = Configuration(
            sourcePath: dir.subpath("tokenwarden.toml"),
            daemon: DaemonSettings(stateDirectory: dir.subpath("state"), policyDirectory: dir.subpath("policies.d")), providers: [provider])
        vault.preload(
            configuration,
            with: CredentialLoader(
                environment: [:],
                unit: UnitCredentials(
                    unit: "tokenwarden.service",
                    sources: ["awx-main": source]), vault: vault))
        try FileManager.default.removeItem(atPath: source)
        let later = CredentialLoader(environment: [:], vault: vault)
        #expect(try later.load(.systemd(name: "awx-main"), kind: .awx).path == source)
        let owner = #expect(throws: CredentialError.self) { try later.load(.systemd(name: "awx-bob"), kind: .awx) }
        #expect(owner?.description.contains("tokenwarden.service has no LoadCredential=awx-bob") == true, "the preload's own answer, kept")
    }

    /// A webhook's HMAC key named by its LoadCredential= name is read with the providers' credentials,
    /// so `sudo tokenwarden sync` can sign its messages after giving up root.
    @Test func aWebhookKeyIsPreloadedLikeACredential() throws {
        let dir = try TemporaryDirectory()
        let source = try dir.write("ops-hook", "hmac-key-vaulted-3\n", mode: 0o600)
        let vault = CredentialVault()
        var configuration = Configuration(
            sourcePath: dir.subpath("tokenwarden.toml"),
            daemon: DaemonSettings(stateDirectory: dir.subpath("state"), policyDirectory: dir.subpath("policies.d")), providers: [])
        configuration.notifiers = [
            Notifier(id: "ops", channel: .webhook(url: "https://hooks.example.com/x", format: .json, secret: .systemd(name: "ops-hook")))
        ]
        vault.preload(
            configuration,
            with: CredentialLoader(environment: [:], unit: UnitCredentials(unit: "tokenwarden.service", sources: ["ops-hook": source]), vault: vault))
        try FileManager.default.removeItem(atPath: source)
        #expect(try CredentialLoader(environment: [:], vault: vault).loadKey(.systemd(name: "ops-hook")).reveal() == "hmac-key-vaulted-3")
    }
}

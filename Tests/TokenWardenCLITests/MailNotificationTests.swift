import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator
import TokenWardenTestSupport

extension SubprocessSuites {
    /// Mail notifications the real way: `tokenwarden sync` hands the digest to the system's
    /// `sendmail` (Debian's msmtp-mta, configured through `$HOME/.msmtprc`), which relays it over
    /// SMTP to a real server on loopback (python3-aiosmtpd) that writes a Maildir.
    @Suite struct MailNotificationTests {
        /// aiosmtpd on a free loopback port, writing every message it takes into a Maildir.
        final class SMTPServer: @unchecked Sendable {
            let process = Process()
            let port: Int
            let maildir: String

            init(in directory: TemporaryDirectory) throws {
                maildir = directory.subpath("maildir")
                let script = try directory.write(
                    "smtpd.py",
                    """
                    import signal, socket, sys
                    from aiosmtpd.controller import Controller
                    from aiosmtpd.handlers import Mailbox
                    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
                    controller = Controller(Mailbox(sys.argv[1]), hostname="127.0.0.1", port=port)
                    controller.start()
                    print(port, flush=True)
                    signal.sigwait([signal.SIGTERM, signal.SIGINT])
                    controller.stop()
                    """)
                // Debian's python3, which has python3-aiosmtpd (a pyenv python on PATH may not).
                process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
                process.arguments = [script, maildir]
                let output = Pipe()
                process.standardOutput = output
                process.standardError = FileHandle.nullDevice
                try process.run()
                let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
                guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                    process.terminate()
                    throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "aiosmtpd did not start: \(line)"])
                }
                self.port = port
            }

            deinit { if process.isRunning { process.terminate() } }

            /// Every message received, as text.
            var messages: [String] {
                let new = maildir + "/new"
                let names = (try? FileManager.default.contentsOfDirectory(atPath: new)) ?? []
                return names.sorted().compactMap { try? String(contentsOfFile: new + "/" + $0, encoding: .utf8) }
            }
        }

        @Test func aDigestGoesThroughTheSystemsSendmailToAnSMTPServerWithItsKeyAsMessageIDAndNoSecret() async throws {
            let dir = try TemporaryDirectory()
            let smtp = try SMTPServer(in: dir)
            let home = dir.subpath("home")
            try dir.write(
                "home/.msmtprc",
                "defaults\nauth off\ntls off\naccount default\nhost 127.0.0.1\nport \(smtp.port)\nfrom tokenwarden@example.com\n", mode: 0o600)
            let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 0))
            let created = Date().addingTimeInterval(-30 * 86_400)
            await simulator.provider(.awx).replaceTokens([
                ObservedToken(
                    id: "7", name: "deploy-bot", owner: "alice", scopes: ["write"], createdAt: created,
                    expiresAt: Date().addingTimeInterval(5 * 86_400))
            ])
            let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"), kinds: [.awx])
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: config))
            try handle.seekToEnd()
            try handle.write(
                contentsOf: Data(
                    """

                    [[notifier]]
                    id = "ops-mail"
                    kind = "mail"
                    to = ["ops@example.com"]
                    from = "tokenwarden@example.com"

                    """.utf8))
            try handle.close()
            try dir.write(
                "sim/policies.d/10.toml",
                "[[rule]]\nname = \"warn\"\nwhen.expires_within = \"7d\"\naction = \"notify\"\nnotify.to = [\"ops-mail\"]\n")

            let sync = try await BuiltProduct.run(["sync", "--config", config], environment: ["HOME": home])
            let outbox = try await BuiltProduct.run(["outbox", "--config", config, "--all", "--json"])
            await simulator.stop()
            #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
            #expect(sync.stdout.contains("sent \"tokenwarden: 1 token needs attention\" to notifier ops-mail (mail)"), "\(sync.stdout)")

            let messages = smtp.messages
            #expect(messages.count == 1, "\(messages)")
            let mail = try #require(messages.first)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(outbox.stdout.utf8)) as? [[String: Any]])
            let key = try #require(rows.first?["idempotency_key"] as? String)
            #expect(rows.first?["state"] as? String == "sent")
            #expect(mail.contains("Message-ID: <\(key)@tokenwarden>"), "\(mail)")
            #expect(mail.contains("To: ops@example.com") && mail.contains("From: tokenwarden@example.com"))
            #expect(mail.contains("Subject: tokenwarden: 1 token needs attention"))
            #expect(mail.contains("sim-awx/7 \"deploy-bot\" (owner alice)") && mail.contains("tokenwarden show sim-awx/7"), "\(mail)")
            #expect(!mail.contains(simulator.provider(.awx).credential))
        }
    }
}

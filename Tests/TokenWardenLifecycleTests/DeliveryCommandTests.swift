import Foundation
import Testing
import TokenWardenCore
import TokenWardenTestSupport

@testable import TokenWardenLifecycle

/// How a `deliver.command` program is run: its own process group, nothing inherited but 0-2, default
/// signal dispositions, judged by its own exit; at the timeout the whole group is stopped.
@Suite struct DeliveryCommandTests {
    static let facts = SecretDelivererTests.facts

    static func deliver(_ argv: [String], timeout: TimeSpan = .minutes(1)) async throws {
        try await SecretDeliverer().deliver(Secret("cmd-secret-4711"), as: .command(argv: argv, timeout: timeout), facts: facts)
    }

    /// Whether `pid` has ended (gone, or a zombie its new parent has not reaped yet), waiting up to 10 s
    /// for a signal already sent to take effect.
    static func ended(_ pid: pid_t) async -> Bool {
        for _ in 0..<100 {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            if stat.isEmpty || stat.split(separator: ")").last?.split(separator: " ").first == "Z" { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test(.timeLimit(.minutes(1)))
    func aCommandThatLeavesABackgroundProcessIsJudgedByItsOwnExit() async throws {
        // Once the secret was written and the program had exited 0, its `sleep 300 &` held the
        // rotation until the timeout, and the delivered token was then revoked.
        let dir = try TemporaryDirectory()
        try await Self.deliver(["/bin/sh", "-c", "cat > \"$0/secret\"; sleep 300 & echo $! > \"$0/background\"", dir.path])
        #expect(try String(contentsOfFile: dir.subpath("secret"), encoding: .utf8) == "cmd-secret-4711")
        let background = try #require(
            pid_t(
                try String(contentsOfFile: dir.subpath("background"), encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)))
        // Within the minute's timeout, and the background process left alone: not waited for, not killed.
        #expect(kill(background, 0) == 0)
        kill(background, SIGKILL)
    }

    @Test(.timeLimit(.minutes(1)))
    func aTimeoutStopsEveryProcessTheCommandStarted() async throws {
        let dir = try TemporaryDirectory()
        let error = await #expect(throws: DeliveryError.self) {
            try await Self.deliver(["/bin/sh", "-c", "sleep 300 & echo $! > \"$0/background\"; sleep 300", dir.path], timeout: TimeSpan(seconds: 1))
        }
        #expect(
            error?.message.hasPrefix("/bin/sh did not finish within 1s and was stopped; its output is not kept") == true, "\(error?.message ?? "")")
        let background = try #require(
            pid_t(
                try String(contentsOfFile: dir.subpath("background"), encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)))
        let stopped = await Self.ended(background)
        if !stopped { kill(background, SIGKILL) }
        #expect(stopped, "the background sleep outlived the timeout: only the direct child was signalled")
    }

    @Test func aCommandStartsInItsOwnGroupWithDefaultSignalsAndNoInheritedDescriptors() async throws {
        let dir = try TemporaryDirectory()
        // A descriptor of this process without close-on-exec, which a careless spawn would hand on.
        let leaked = open(dir.subpath("held"), O_CREAT | O_WRONLY, 0o600)
        try #require(leaked > 2)
        defer { close(leaked) }
        try await Self.deliver([
            "/bin/sh", "-c",
            """
            cat > /dev/null
            echo "pid $$" > "$0/facts"
            cut -d' ' -f5 /proc/$$/stat | sed 's/^/group /' >> "$0/facts"
            grep -E '^Sig(Ign|Blk):' /proc/self/status >> "$0/facts"
            exec ls /proc/self/fd > "$0/fds"
            """, dir.path,
        ])
        let facts = try String(contentsOfFile: dir.subpath("facts"), encoding: .utf8).split(separator: "\n").map(String.init)
        let value = { (key: String) in facts.first { $0.hasPrefix(key) }.map { String($0.dropFirst(key.count)).trimmingCharacters(in: .whitespaces) }
        }
        #expect(value("pid ") != nil && value("group ") == value("pid "), "\(facts)")
        // Signals 1-31 as exec leaves them after a reset to default (swift-subprocess's reset stops at
        // glibc's reserved 32 and 33, which no program can use); nothing blocked.
        let ignored = UInt64(value("SigIgn:") ?? "", radix: 16)
        #expect(ignored.map { $0 & 0x7fff_ffff } == 0, "SIGPIPE, ignored by tokenwarden, must not be ignored by the program: \(facts)")
        #expect(value("SigBlk:") == "0000000000000000", "\(facts)")
        let descriptors = try String(contentsOfFile: dir.subpath("fds"), encoding: .utf8).split(separator: "\n")
        // 3 is the directory ls reads /proc/self/fd through.
        #expect(descriptors == ["0", "1", "2", "3"], "the program holds descriptors it did not open: \(descriptors)")
    }

    @Test func anExitStatusOrSignalFailsTheDeliveryAndSaysWhich() async throws {
        let status = await #expect(throws: DeliveryError.self) { try await Self.deliver(["/bin/sh", "-c", "cat >/dev/null; exit 3"]) }
        #expect(status?.message.hasPrefix("/bin/sh exited with status 3;") == true, "\(status?.message ?? "")")
        let signal = await #expect(throws: DeliveryError.self) { try await Self.deliver(["/bin/sh", "-c", "kill -9 $$"]) }
        #expect(signal?.message.hasPrefix("/bin/sh was killed by signal 9;") == true, "\(signal?.message ?? "")")
        let missing = await #expect(throws: DeliveryError.self) { try await Self.deliver(["/nonexistent-tw/deliver"]) }
        #expect(missing?.message.hasPrefix("cannot start /nonexistent-tw/deliver: ") == true, "\(missing?.message ?? "")")
        for error in [status, signal, missing] { #expect(error?.message.contains("cmd-secret-4711") == false) }
    }
}

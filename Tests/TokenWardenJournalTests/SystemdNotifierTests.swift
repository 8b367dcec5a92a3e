import Foundation
import Testing
import TokenWardenJournal

/// `SystemdNotifier` without touching this process's environment: `sd_notify` reads
/// `$NOTIFY_SOCKET`, and a `setenv` here while another test starts a process (Foundation's
/// `Process` copies `environ`) crashed the whole test run. What the daemon sends to a real notify
/// socket (`READY=1`, `STATUS=`, `RELOADING=1`, `STOPPING=1`) is tested through the binary, with the
/// socket in the child's environment (DaemonCommandTests, and under systemd in nspawn).
@Suite struct SystemdNotifierTests {
    @Test func isANoOpOutsideSystemd() throws {
        try #require(ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] == nil, "the tests run outside a notify socket's reach")
        #expect(try SystemdNotifier().notify([("READY", "1")]) == false)
    }

    @Test func aStatusIsOneLine() {
        #expect(SystemdNotifier.oneLine("two\nlines") == "two lines")
        #expect(SystemdNotifier.oneLine("312 tokens") == "312 tokens")
    }
}

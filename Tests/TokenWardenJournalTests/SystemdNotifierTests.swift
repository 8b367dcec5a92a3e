import Foundation
import Testing
import TokenWardenJournal
import TokenWardenTestSupport

/// Talks to a real AF_UNIX datagram socket, as systemd's notify socket is one.
@Suite(.serialized) struct SystemdNotifierTests {
    @Test func sendsAssignmentsToTheNotifySocket() throws {
        let dir = try TemporaryDirectory()
        let listener = try NotifyListener(path: dir.subpath("notify.sock"))
        setenv("NOTIFY_SOCKET", listener.path, 1)
        defer { unsetenv("NOTIFY_SOCKET") }
        let notifier = SystemdNotifier()
        #expect(try notifier.notify([("READY", "1"), ("STATUS", "312 tokens")]))
        #expect(try listener.receive() == "READY=1\nSTATUS=312 tokens")
        #expect(try notifier.status("two\nlines"))
        #expect(try listener.receive() == "STATUS=two lines")
    }

    @Test func isANoOpOutsideSystemd() throws {
        unsetenv("NOTIFY_SOCKET")
        #expect(try SystemdNotifier().notify([("READY", "1")]) == false)
    }
}

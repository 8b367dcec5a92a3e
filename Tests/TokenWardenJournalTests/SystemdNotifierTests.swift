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

/// A bound datagram socket that receives what sd_notify sends.
final class NotifyListener {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard fd >= 0, bound == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func receive() throws -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}

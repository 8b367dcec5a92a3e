import Foundation

/// journald's native socket, and whether a journald is listening on it right now.
/// The socket file outlives the journald that made it (a crash, a restored machine snapshot), and
/// `sd_journal_sendv` into a dead socket drops the entry silently, so only a `connect` tells.
public enum JournalSocket {
    /// Where `sd_journal_sendv` writes; fixed in libsystemd.
    public static let path = "/run/systemd/journal/socket"

    /// True when a datagram `connect` to `path` succeeds: a journald holds the socket. A missing file
    /// and a stale one (`ECONNREFUSED`) are both false.
    ///
    /// Hand-written: libsystemd offers no "is the journal up" call, and a probe entry would be noise.
    public static func isListening(at path: String = path) -> Bool {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }

        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return connected == 0
    }
}

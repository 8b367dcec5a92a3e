/// `[metrics] listen`: a loopback address and port the metrics are served on over plain HTTP.
/// Only loopback: the page names tokens and their owners, and has neither TLS nor authentication.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// `127.0.0.1`, another 127/8 address, `::1` or `localhost`.
    public var host: String
    /// 0 asks the system for any free port (tests).
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` (`[::1]:PORT` for IPv6); the error says what to write instead.
    public static func parse(_ text: String) -> Result<ListenAddress, Problem> {
        let host: Substring
        let port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return .failure(Problem("\"\(text)\" is not HOST:PORT (an IPv6 address in brackets: \"[::1]:9464\")"))
            }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                return .failure(Problem("\"\(text)\" is not HOST:PORT, e.g. \"127.0.0.1:9464\""))
            }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard let number = Int(port), (0...65_535).contains(number) else {
            return .failure(Problem("\"\(port)\" in \"\(text)\" is not a port (0 to 65535)"))
        }
        let address = ListenAddress(host: String(host), port: number)
        guard address.isLoopback else {
            return .failure(
                Problem(
                    "\(host) is not a loopback address: the metrics name tokens and owners and are served without TLS or "
                        + "authentication, so only 127.0.0.1, ::1 or localhost are accepted (put a TLS proxy in front for remote scrapes)"))
        }
        return .success(address)
    }

    /// Whether the host is reachable only from this machine.
    public var isLoopback: Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Why a text is not a listen address.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}

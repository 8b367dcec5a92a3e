import Foundation

/// Why a new secret could not be delivered, in words for the admin who owns the destination.
/// Never contains the secret: command output is scrubbed of it before it is quoted.
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    /// "Permission denied (errno 13)" for the current `errno`.
    static func systemError(_ code: Int32 = errno) -> String { "\(String(cString: strerror(code))) (errno \(code))" }
}

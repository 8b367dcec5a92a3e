/// Why a provider's credential cannot be used, written for the admin who must fix it.
/// It names the file and its mode, never the content.
public struct CredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A secret value (a newly created token) that prints, dumps and reflects as `<redacted>`.
/// Only `reveal()` gives the text, so every place that handles the raw secret is greppable.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The raw secret, for delivery only.
    public func reveal() -> String { value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}

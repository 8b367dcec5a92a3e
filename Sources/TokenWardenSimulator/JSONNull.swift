/// An optional that encodes as JSON `null` when empty, where the real API sends `null` rather than
/// leaving the key out (a plain Swift optional is left out by `JSONEncoder`).
struct JSONNull<Wrapped: Encodable & Sendable>: Encodable, Sendable {
    let value: Wrapped?

    init(_ value: Wrapped?) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}

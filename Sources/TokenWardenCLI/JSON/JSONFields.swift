import Foundation
import TokenWardenCore

/// One JSON object of named values, each written even when null (the synthesized encoder leaves a
/// nil out): the one way every `--json` shape added since docs/json.md keeps its promise that every
/// key is present. Instants are RFC 3339 with milliseconds; whole numbers print without a fraction.
struct JSONFields: Encodable {
    enum Value {
        case string(String?)
        case number(Double?)
        case bool(Bool?)
        case instant(Date?)
        case object(JSONFields?)

        static func integer<T: BinaryInteger>(_ value: T?) -> Value { .number(value.map(Double.init)) }
    }

    let values: [String: Value]

    init(_ values: [String: Value]) { self.values = values }

    struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (name, value) in values {
            let key = Key(stringValue: name)
            switch value {
            case .string(let text): try container.encode(text, forKey: key)
            case .bool(let flag): try container.encode(flag, forKey: key)
            case .instant(let date): try container.encode(date.map(ProviderTimestamp.formatExact), forKey: key)
            case .object(let object): try container.encode(object, forKey: key)
            case .number(let number):
                // Whole numbers print without a fraction: counts, bytes and seconds are integers.
                if let number, number == number.rounded(), abs(number) < 9e15 {
                    try container.encode(Int64(number), forKey: key)
                } else {
                    try container.encode(number, forKey: key)
                }
            }
        }
    }
}

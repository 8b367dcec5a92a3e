/// A TOML value copied out of TOMLKit into plain Sendable data.
/// TOMLKit's tables are reference types over C++ nodes; validation only ever needs this tree.
indirect enum ConfigValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    /// Dates and times, kept as their TOML text: no key of tokenwarden's takes one.
    case dateTime(String)
    case array([ConfigValue])
    case table([String: ConfigValue])

    /// The TOML type name, for "expected a string, found an integer" messages.
    var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a floating-point number"
        case .boolean: "a boolean"
        case .dateTime: "a date-time"
        case .array: "an array"
        case .table: "a table"
        }
    }
}

/// `DecodingError`s with the coding path, so messages read the same as `JSONDecoder`'s.
extension JSONReader {
    /// A key or index of the path to a problem.
    public struct PathKey: CodingKey {
        public let stringValue: String
        public let intValue: Int?
        public init(stringValue: String) {
            self.stringValue = stringValue
            intValue = nil
        }
        public init(intValue: Int) {
            stringValue = String(intValue)
            self.intValue = intValue
        }
    }

    /// A required key that was not in the object just read.
    public static func missing(_ key: String) -> DecodingError {
        .keyNotFound(PathKey(stringValue: key), .init(codingPath: [], debugDescription: "missing"))
    }

    func mismatch<T>(_ type: T.Type) -> DecodingError {
        if at(Self.null) {
            return .valueNotFound(type, .init(codingPath: [], debugDescription: "null"))
        }
        return .typeMismatch(type, .init(codingPath: [], debugDescription: "another kind of value"))
    }

    func corrupted(_ what: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: [], debugDescription: "\(what) at byte \(position)"))
    }

    static func prefixing(_ error: DecodingError, with key: PathKey) -> DecodingError {
        func context(_ old: DecodingError.Context) -> DecodingError.Context {
            .init(codingPath: [key] + old.codingPath, debugDescription: old.debugDescription, underlyingError: old.underlyingError)
        }
        return switch error {
        case .keyNotFound(let missing, let old): .keyNotFound(missing, context(old))
        case .typeMismatch(let type, let old): .typeMismatch(type, context(old))
        case .valueNotFound(let type, let old): .valueNotFound(type, context(old))
        case .dataCorrupted(let old): .dataCorrupted(context(old))
        @unknown default: error
        }
    }
}

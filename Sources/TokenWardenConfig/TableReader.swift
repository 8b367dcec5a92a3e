import TokenWardenCore

/// Reads the keys of one TOML table with the types tokenwarden expects, recording a located problem
/// for every wrong type, bad value and unknown key instead of stopping at the first.
struct TableReader {
    let values: [String: ConfigValue]
    let document: TOMLDocument
    let sink: ProblemSink
    /// What the table is, for messages: `rule "x"`, `provider "y"`, `[daemon]`.
    let subject: String?
    /// Dotted prefix of this table's keys in messages, e.g. `when.`.
    let prefix: String
    /// Finds the line of a (full, dotted) key.
    let locate: @Sendable (String) -> Int?

    /// Reports any key not in `allowed`, suggesting the nearest allowed one.
    func rejectUnknownKeys(allowed: [String]) {
        for key in values.keys.sorted() where !allowed.contains(key) {
            let full = prefix + key
            let suggestion = NearestWord.suggestion(for: key, among: allowed).map { prefix + $0 }
            let valid = allowed.map { prefix + $0 }.joined(separator: ", ")
            report(full, "unknown key (valid keys here: \(valid))", suggestion: suggestion)
        }
    }

    func report(_ key: String?, _ message: String, suggestion: String? = nil) {
        sink.add(
            ConfigProblem(
                file: document.path, line: key.flatMap(locate) ?? locate(""), subject: subject, key: key,
                message: message, suggestion: suggestion))
    }

    func has(_ key: String) -> Bool { values[key] != nil }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let value = present(key, required: required, expecting: "a string") else { return nil }
        guard case .string(let text) = value else { return mismatch(key, value, expected: "a string") }
        if text.isEmpty {
            report(prefix + key, "must not be empty")
            return nil
        }
        return text
    }

    func boolean(_ key: String) -> Bool? {
        guard let value = present(key, required: false, expecting: "true or false") else { return nil }
        guard case .boolean(let flag) = value else { return mismatch(key, value, expected: "true or false (without quotes)") }
        return flag
    }

    func integer(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = present(key, required: false, expecting: "an integer") else { return nil }
        guard case .integer(let number) = value else { return mismatch(key, value, expected: "an integer (without quotes)") }
        guard range.contains(number) else {
            report(prefix + key, "\(number) is out of range (\(range.lowerBound)…\(range.upperBound))")
            return nil
        }
        return number
    }

    /// A duration string such as `"90d"`; an integer gets a hint to add a unit.
    func timeSpan(_ key: String, required: Bool = false) -> TimeSpan? {
        guard let value = present(key, required: required, expecting: "a duration") else { return nil }
        switch value {
        case .string(let text):
            do { return try TimeSpan(parsing: text) } catch {
                report(prefix + key, error.description)
                return nil
            }
        case .integer(let number):
            report(prefix + key, "a duration needs a unit and quotes, e.g. \"\(number)d\" or \"\(number)s\"")
            return nil
        default:
            return mismatch(key, value, expected: "a duration string such as \"90d\"")
        }
    }

    /// A list of durations (`["30d", "7d", "1d"]`), longest first, each once.
    func timeSpans(_ key: String) -> [TimeSpan]? {
        guard let texts = strings(key) else { return nil }
        var spans: Set<TimeSpan> = []
        for text in texts {
            do { spans.insert(try TimeSpan(parsing: text)) } catch {
                report(prefix + key, "\"\(text)\": \(error.description)")
                return nil
            }
        }
        return spans.sorted(by: >)
    }

    /// A string or a list of strings (`match.name = "ci-*"` or `["ci-*", "build-*"]`).
    func strings(_ key: String) -> [String]? {
        guard let value = present(key, required: false, expecting: "a string or a list of strings") else { return nil }
        switch value {
        case .string(let text) where !text.isEmpty:
            return [text]
        case .array(let items) where !items.isEmpty:
            var texts: [String] = []
            for item in items {
                guard case .string(let text) = item, !text.isEmpty else {
                    report(prefix + key, "every entry must be a non-empty string, found \(item.typeName)")
                    return nil
                }
                texts.append(text)
            }
            return texts
        case .string, .array:
            report(prefix + key, "must not be empty")
            return nil
        default:
            return mismatch(key, value, expected: "a string or a list of strings")
        }
    }

    /// A sub-table read with the same context, its keys prefixed (`when.` …).
    func table(_ key: String) -> TableReader? {
        guard let value = present(key, required: false, expecting: "a table") else { return nil }
        guard case .table(let values) = value else { return mismatch(key, value, expected: "a table (e.g. \(key).something = …)") }
        return TableReader(values: values, document: document, sink: sink, subject: subject, prefix: prefix + key + ".", locate: locate)
    }

    private func present(_ key: String, required: Bool, expecting: String) -> ConfigValue? {
        guard let value = values[key] else {
            if required { report(prefix + key, "missing; it must be \(expecting)") }
            return nil
        }
        return value
    }

    private func mismatch<T>(_ key: String, _ value: ConfigValue, expected: String) -> T? {
        report(prefix + key, "expected \(expected), found \(value.typeName)")
        return nil
    }
}

extension TOMLDocument {
    /// A reader over the file's top-level keys.
    func rootReader(sink: ProblemSink) -> TableReader {
        TableReader(
            values: root, document: self, sink: sink, subject: nil, prefix: "",
            locate: { [locator] key in locator.lineOfKey(key) })
    }

    /// A reader over the top-level `[name]` table, or nil when the file has none (a value that is not a
    /// table is reported).
    func table(_ name: String, sink: ProblemSink) -> TableReader? {
        guard let value = root[name] else { return nil }
        guard case .table(let values) = value else {
            sink.add(
                ConfigProblem(
                    file: path, line: locator.lineOfKey(name), key: name, message: "expected a [\(name)] table, found \(value.typeName)"))
            return nil
        }
        return TableReader(
            values: values, document: self, sink: sink, subject: "[\(name)]", prefix: "",
            locate: { [locator] key in locator.lineOfKey(key, table: name) })
    }

    /// The tables of the `[[array]]` at the root, each as a reader whose subject names it by its
    /// `idKey` value (`provider "awx-main"`) or, lacking one, by position (`rule #2`).
    func entries(of array: String, identifiedBy idKey: String, sink: ProblemSink) -> [(index: Int, reader: TableReader)] {
        guard let value = root[array] else { return [] }
        guard case .array(let items) = value else {
            sink.add(
                ConfigProblem(
                    file: path, line: locator.lineOfKey(array), key: array,
                    message: "\(array)s are written as [[\(array)]] tables, found \(value.typeName)"))
            return []
        }
        return items.enumerated().compactMap { index, item in
            let locate: @Sendable (String) -> Int? = { [locator] key in locator.lineOfKey(key, array: array, index: index) }
            guard case .table(let values) = item else {
                sink.add(ConfigProblem(file: path, line: locate(""), subject: "\(array) #\(index + 1)", message: "expected a [[\(array)]] table"))
                return nil
            }
            let name: String? = if case .string(let text)? = values[idKey], !text.isEmpty { text } else { nil }
            let subject = name.map { "\(array) \"\($0)\"" } ?? "\(array) #\(index + 1)"
            return (index, TableReader(values: values, document: self, sink: sink, subject: subject, prefix: "", locate: locate))
        }
    }
}

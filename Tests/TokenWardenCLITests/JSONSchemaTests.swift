import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator
import TokenWardenStore
import TokenWardenTestSupport

/// Every `--json` output against docs/json.md: each command's table there lists every key path
/// (`providers[].error`) with its type, and the output may have no other key, must have every
/// documented key of each object it prints, and each value must be of the documented type.
@Suite struct JSONSchemaTests {
    /// `path` → allowed types (`string`, `integer`, `number`, `boolean`, `object`, `array`, `null`).
    typealias Schema = [String: Set<String>]

    /// The tables of docs/json.md, by the command line in each section's heading.
    static func documented() throws -> [String: Schema] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOfFile: root.appendingPathComponent("docs/json.md").path, encoding: .utf8)
        var schemas: [String: Schema] = [:]
        var current: String?
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("## `tokenwarden "), let end = line.dropFirst(4).firstIndex(of: "`") {
                current = String(line[line.index(line.startIndex, offsetBy: 4)..<end])
                schemas[current!] = [:]
            } else if let command = current, line.hasPrefix("| `") {
                let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                guard cells.count >= 2 else { continue }
                let path = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
                let types = Set(cells[1].split(separator: " or ").map { $0.trimmingCharacters(in: .whitespaces) })
                schemas[command]?[path] = types
            }
        }
        return schemas
    }

    /// A JSON value as its text says it: `true` is a boolean and `1` an integer, never one for the other.
    indirect enum Value: Decodable {
        case null
        case boolean(Bool)
        case integer(Int64)
        case number(Double)
        case string(String)
        case array([Value])
        case object([String: Value])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let flag = try? container.decode(Bool.self) {
                self = .boolean(flag)
            } else if let whole = try? container.decode(Int64.self) {
                self = .integer(whole)
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else if let text = try? container.decode(String.self) {
                self = .string(text)
            } else if let array = try? container.decode([Value].self) {
                self = .array(array)
            } else {
                self = .object(try container.decode([String: Value].self))
            }
        }

        var type: String {
            switch self {
            case .null: "null"
            case .boolean: "boolean"
            case .integer: "integer"
            case .number: "number"
            case .string: "string"
            case .array: "array"
            case .object: "object"
            }
        }
    }

    /// Each key path of `value` with the types found there; arrays' elements share the path `name[]`.
    static func paths(_ value: Value, at path: String = "", into found: inout [String: Set<String>], objects: inout [String: [Set<String>]]) {
        func join(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
        switch value {
        case .object(let object):
            objects[path, default: []].append(Set(object.keys))
            for (key, child) in object {
                found[join(key), default: []].insert(child.type)
                paths(child, at: join(key), into: &found, objects: &objects)
            }
        case .array(let array):
            for element in array {
                found[path + "[]", default: []].insert(element.type)
                paths(element, at: path + "[]", into: &found, objects: &objects)
            }
        default: break
        }
    }

    /// Checks `output` against the section `command` of docs/json.md; returns the problems.
    static func check(_ output: String, command: String, schemas: [String: Schema]) throws -> [String] {
        guard let schema = schemas[command] else { return ["docs/json.md has no section for `\(command)`"] }
        #expect(!schema.isEmpty, "the section for \(command) lists no keys")
        let json = try JSONDecoder().decode(Value.self, from: Data(output.utf8))
        var found: [String: Set<String>] = [:]
        var objects: [String: [Set<String>]] = [:]
        paths(json, into: &found, objects: &objects)
        var problems: [String] = []
        if found.count < 3 { problems.append("\(command) printed almost nothing to check: \(output)") }
        for (path, types) in found {
            guard let allowed = schema[path] else {
                problems.append("\(command): \(path) is not in docs/json.md")
                continue
            }
            // An integer is a number too.
            let widened = allowed.contains("number") ? allowed.union(["integer"]) : allowed
            if !types.isSubset(of: widened) { problems.append("\(command): \(path) is \(types.sorted()), documented \(allowed.sorted())") }
        }
        // Every documented key of each printed object is there (null when unknown, never missing).
        for (objectPath, keySets) in objects {
            let prefix = objectPath.isEmpty ? "" : objectPath + "."
            let expected = Set(
                schema.keys.filter { $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains(".") && !$0.hasSuffix("[]") }
                    .map { String($0.dropFirst(prefix.count)) }
                    .filter { !$0.isEmpty && !$0.contains("[]") })
            for keys in keySets where !expected.isSubset(of: keys) {
                problems.append("\(command): \(objectPath.isEmpty ? "the top object" : objectPath) lacks \(expected.subtracting(keys).sorted())")
            }
        }
        return problems
    }

    @Test func everyJSONOutputHasTheShapeDocsJSONGives() async throws {
        let schemas = try Self.documented()
        let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 5))
        let dir = try TemporaryDirectory()
        let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"))
        try dir.write(
            "sim/policies.d/10.toml", "[[rule]]\nname = \"warn\"\nwhen.expires_within = \"3650d\"\naction = \"notify\"\nnotify.to = [\"ops\"]\n")
        // A notifier, so the outbox has messages to print.
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try (text + "\n[[notifier]]\nid = \"ops\"\nkind = \"command\"\ncommand = [\"/bin/true\"]\n").write(
            toFile: config, atomically: true, encoding: .utf8)
        func run(_ arguments: [String]) async throws -> BuiltProduct.Result {
            try await BuiltProduct.run(arguments + ["--json", "--config", config])
        }
        var outputs: [(String, BuiltProduct.Result)] = []
        outputs.append(("tokenwarden validate --json", try await run(["validate", "--online"])))
        outputs.append(("tokenwarden sync --json", try await run(["sync"])))
        outputs.append(("tokenwarden tokens --json", try await run(["tokens"])))
        outputs.append(("tokenwarden show --json", try await run(["show", "sim-awx/2"])))
        outputs.append(("tokenwarden plan --json", try await run(["plan"])))
        outputs.append(("tokenwarden outbox --json", try await run(["outbox", "--all"])))
        outputs.append(("tokenwarden status --json", try await run(["status"])))
        outputs.append(("tokenwarden revoke --json", try await run(["revoke", "sim-awx/3", "--yes"])))
        outputs.append(("tokenwarden history --json", try await run(["history", "sim-awx/3"])))
        // An approval asked for, as a cycle of an `approve = true` rule leaves it.
        let store = try TokenStore.open(path: dir.subpath("sim/state/tokenwarden.sqlite"))
        try store.requestApproval(
            Approval(
                provider: "sim-awx", tokenID: "2", rule: "r", action: .revoke, facts: "f", reason: "planted", requestedAt: Date(),
                expiresAt: Date() + 3_600), validFor: .hours(1))
        outputs.append(("tokenwarden approvals --json", try await run(["approvals"])))
        outputs.append(("tokenwarden forecast --json", try await run(["forecast", "--weeks", "52"])))
        outputs.append(("tokenwarden rehearse --json", try await run(["rehearse", "sim-awx"])))
        outputs.append(("tokenwarden backup --json", try await run(["backup", dir.subpath("copy.sqlite")])))
        let old = try #require(await simulator.provider(.awx).tokens.first { ($0.expiresAt ?? .distantFuture) > Date() && $0.id != "3" })
        try await SimulatorSetup.addOwner(old.owner ?? "", kind: .awx, of: simulator, config: config)
        try FileManager.default.createDirectory(atPath: dir.subpath("out"), withIntermediateDirectories: true)
        outputs.append(
            ("tokenwarden rotate --json", try await run(["rotate", "sim-awx/\(old.id)", "--yes", "--deliver-file", dir.subpath("out/t")])))
        await simulator.stop()
        for (command, result) in outputs {
            #expect(!result.stdout.isEmpty, "\(command) printed nothing: \(result.stderr)")
            let problems = try Self.check(result.stdout, command: command, schemas: schemas)
            #expect(problems == [], "\(result.stdout)")
        }
        #expect(Set(outputs.map(\.0)).isSubset(of: schemas.keys), "every section is checked")
        #expect(Set(schemas.keys).isSubset(of: outputs.map(\.0)), "every section of docs/json.md is run: \(schemas.keys.sorted())")
    }
}

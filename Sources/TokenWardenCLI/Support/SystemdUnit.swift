import Foundation
import TokenWardenCore

/// The installed `tokenwarden.service` as the running systemd sees it, through `systemctl show`
/// (unit file and drop-ins merged, as the service gets them).
///
/// Foundation's `Process` is enough here, unlike for delivery commands: systemctl is a system tool
/// that ends when it has printed, reads no secret and leaves nothing behind.
enum SystemdUnit {
    static let name = "tokenwarden.service"

    /// `KEY=VALUE` lines of `properties` (timestamps as `@SECONDS`), or nil where no systemd answers
    /// (not booted with systemd, no systemctl, or it failed).
    static func show(_ properties: [String]) -> String? {
        systemctl(["show", name, "--no-pager", "--timestamp=unix"] + properties.flatMap { ["-p", $0] })
    }

    /// The unit file and its drop-ins, in the order systemd applies them, or nil as for `show`.
    static func files() -> String? {
        systemctl(["cat", name, "--no-pager"])
    }

    private static func systemctl(_ arguments: [String]) -> String? {
        guard let systemctl = ["/usr/bin/systemctl", "/bin/systemctl"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }),
            FileManager.default.fileExists(atPath: "/run/systemd/system")
        else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: systemctl)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The unit's state, or nil where no systemd answers.
    static func service() -> StatusReport.Service? {
        guard let shown = show(["ActiveState", "SubState", "ActiveEnterTimestamp"]) else { return nil }
        var values: [String: String] = [:]
        for line in shown.split(whereSeparator: \.isNewline) {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard let state = values["ActiveState"], !state.isEmpty else { return nil }
        let since = values["ActiveEnterTimestamp"].flatMap { Double($0.drop { $0 == "@" }) }.map { Date(timeIntervalSince1970: $0) }
        var service = StatusReport.Service(state: state, detail: values["SubState"] ?? "", since: since)
        if !service.isRunning { service.since = nil }  // ActiveEnterTimestamp is the last start, not how long it has been down
        return service
    }
}

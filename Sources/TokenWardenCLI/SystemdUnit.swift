import Foundation

/// The installed `tokenwarden.service` as the running systemd sees it, through `systemctl show`
/// (unit file and drop-ins merged, as the service gets them).
///
/// Foundation's `Process` is enough here, unlike for delivery commands: systemctl is a system tool
/// that ends when it has printed, reads no secret and leaves nothing behind.
enum SystemdUnit {
    static let name = "tokenwarden.service"

    /// `KEY=VALUE` lines of `properties`, or nil where no systemd answers (not booted with systemd,
    /// no systemctl, or it failed).
    static func show(_ properties: [String]) -> String? {
        guard let systemctl = ["/usr/bin/systemctl", "/bin/systemctl"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }),
              FileManager.default.fileExists(atPath: "/run/systemd/system") else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: systemctl)
        process.arguments = ["show", name, "--no-pager"] + properties.flatMap { ["-p", $0] }
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
}

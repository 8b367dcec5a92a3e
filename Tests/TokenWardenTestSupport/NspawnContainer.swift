import Foundation

/// A real systemd booted as PID 1 in a container (`systemd-nspawn --boot`, Debian's
/// systemd-container) on an overlay of this machine's `/`: the package test installs the `.deb`
/// into it and drives the unit with `systemctl`, as an admin would. Writes land in the overlay's
/// upper directory, so the host is untouched; the network is the host's, so a simulator on
/// 127.0.0.1 is reachable. `stop()` powers it off and removes everything.
public final class NspawnContainer: @unchecked Sendable {
    /// Why no container can be booted here, or nil when one can be tried.
    public static var unavailable: String? {
        if getuid() != 0 { return "the package test boots a container and needs root" }
        if !FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-nspawn") {
            return "systemd-nspawn is missing (Debian's systemd-container; `make test` installs it when run as root)"
        }
        if !FileManager.default.isExecutableFile(atPath: "/lib/systemd/systemd") { return "/lib/systemd/systemd is missing: no systemd to boot" }
        return nil
    }

    /// The container's `/`, as the host sees it: files written here are the container's.
    public let root: String
    private let base: String
    private let nspawn = Process()
    private var leader: Int32 = 0

    public init() throws {
        var template = Array((NSTemporaryDirectory() + "tokenwarden-nspawn-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure("cannot create a directory for the container") }
        base = String(cString: made)
        root = base + "/root"
        for directory in ["upper", "work", "root"] {
            try FileManager.default.createDirectory(atPath: base + "/" + directory, withIntermediateDirectories: false)
        }
        try Self.host("/bin/mount", ["-t", "overlay", "overlay", "-o", "lowerdir=/,upperdir=\(base)/upper,workdir=\(base)/work", root])
        nspawn.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-nspawn")
        nspawn.arguments = [
            "--directory", root, "--boot", "--register=no", "--keep-unit", "--console=passive",
            "--machine", "tw-\(getpid())", "--quiet",
        ]
        nspawn.standardInput = FileHandle.nullDevice
        nspawn.standardOutput = FileHandle.nullDevice
        nspawn.standardError = FileHandle.nullDevice
        try nspawn.run()
    }

    /// Waits until the container's systemd reports it has booted (running, or degraded when some
    /// unit of this machine's own set fails in a container).
    public func waitUntilBooted(seconds: Double = 120) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            // The container's systemd, not the helper nspawn forks first and which exits: entering a
            // helper that is gone failed every later check, and the boot "never finished" (seen once).
            leader = Self.children(of: nspawn.processIdentifier).first { Self.command(of: $0) == "systemd" } ?? 0
            if leader != 0, let state = try? run("systemctl is-system-running").output.trimmingCharacters(in: .whitespacesAndNewlines),
                state == "running" || state == "degraded"
            {
                return
            }
            guard nspawn.isRunning else { throw Failure("systemd-nspawn exited with status \(nspawn.terminationStatus) before the container booted") }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw Failure("the container did not finish booting within \(Int(seconds)) s")
    }

    /// Runs `command` with `/bin/sh -c` inside the container, in all of its namespaces, as root.
    @discardableResult
    public func run(_ command: String) throws -> (status: Int32, output: String) {
        guard leader != 0 else { throw Failure("the container has not booted") }
        return try BuiltProduct.capture("/usr/bin/nsenter", ["--target", String(leader), "--all", "/bin/sh", "-c", command])
    }

    /// Powers the container off, then unmounts and removes its overlay.
    public func stop() {
        if leader != 0 { _ = try? run("systemctl poweroff --no-block") }
        let deadline = Date().addingTimeInterval(30)
        while nspawn.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        if nspawn.isRunning {
            kill(nspawn.processIdentifier, SIGKILL)
            nspawn.waitUntilExit()
        }
        _ = try? Self.host("/bin/umount", ["--lazy", root])
        try? FileManager.default.removeItem(atPath: base)
    }

    deinit { if nspawn.isRunning { stop() } }

    /// The ids of `pid`'s child processes.
    static func command(of pid: Int32) -> String {
        ((try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func children(of pid: Int32) -> [Int32] {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return text.split(separator: " ").compactMap { Int32($0) }
    }

    static func host(_ program: String, _ arguments: [String]) throws {
        let (status, output) = try BuiltProduct.capture(program, arguments)
        guard status == 0 else { throw Failure("\(program) \(arguments.joined(separator: " ")) failed (\(status)): \(output)") }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }
}

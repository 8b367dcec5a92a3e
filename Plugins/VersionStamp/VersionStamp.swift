import Foundation
import PackagePlugin

/// Writes `BuildVersion.swift` for the CLI (`tokenwarden --version`) with `scripts/version-stamp`:
/// CHANGELOG.md's top version and the commit, run again when CHANGELOG.md or git's HEAD moves.
@main
struct VersionStamp: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let top = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildVersion.swift")
        // Every commit, checkout and reset appends to .git/logs/HEAD; HEAD names the branch.
        let git = ["HEAD", "logs/HEAD"].map { top.appending(path: ".git/\($0)") }
            .filter { FileManager.default.fileExists(atPath: $0.path) }
        return [
            .buildCommand(
                displayName: "Stamping the version from CHANGELOG.md and git",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [top.appending(path: "scripts/version-stamp").path, top.path, output.path],
                inputFiles: [top.appending(path: "CHANGELOG.md"), top.appending(path: "scripts/version-stamp")] + git,
                outputFiles: [output])
        ]
    }
}

import ArgumentParser
import Foundation
import TokenWardenConfig

/// `--config PATH`, shared by every subcommand that reads the configuration.
struct ConfigOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The main config file; policies are read from its policy_directory (default: policies.d/ beside it). $TOKENWARDEN_CONFIG sets "
                + "the default.",
            valueName: "path"))
    var config: String = ProcessInfo.processInfo.environment["TOKENWARDEN_CONFIG"] ?? ConfigLoader.defaultPath
}

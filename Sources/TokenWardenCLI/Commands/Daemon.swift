import ArgumentParser
import Foundation
import TokenWardenDaemon

/// `tokenwarden daemon`: the long-running service systemd starts.
struct Daemon: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Run the token-lifecycle daemon (systemd starts it as tokenwarden.service).",
        discussion: """
            Polls every configured provider on its own timer (poll_interval, first polls spread \
            over a jitter window), records what it sees, resumes unfinished rotations and applies \
            policy after each poll, exactly as `tokenwarden sync` does once. A provider that keeps \
            failing is polled less often (up to 8× its interval) until it recovers.

            Signals: SIGHUP reloads the configuration and policies (a bad file keeps the previous \
            ones running and says why); SIGTERM or SIGINT stops after running cycles finish.

            Under systemd (Type=notify) it reports READY=1, STATUS= after each cycle, RELOADING=1, \
            STOPPING=1 and, with WatchdogSec=, WATCHDOG=1. Events go to the journal with a \
            MESSAGE_ID per kind and TOKENWARDEN_* fields, e.g.:
              journalctl -u tokenwarden TOKENWARDEN_PROVIDER=awx-main
            Run by hand, they are printed to stderr.

            Exit 0 after a stop, 2 when the configuration or a policy is invalid at start.
            """
    )

    @OptionGroup var options: ConfigOptions
    @OptionGroup var log: LogOptions

    func run(_ context: CommandContext) async throws {
        let options = DaemonOptions(configPath: context.configPath, environment: context.environment)
        try await DaemonShell(options: options, logger: log.logger).run()
    }
}

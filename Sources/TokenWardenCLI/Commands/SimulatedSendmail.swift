import ArgumentParser
import Foundation
import TokenWardenProviders

/// `tokenwarden simulated-sendmail URL`: the demo's stand-in for `sendmail -t -oi`. It reads the
/// message sendmail would take on standard input and POSTs it to the demo's simulated mailbox (the
/// simulator's receiver, in the demo's own process), which prints it. Hidden: only the demo's
/// generated `sendmail` script calls it; a real system has an MTA.
struct SimulatedSendmail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulated-sendmail",
        abstract: "The demo's sendmail stand-in: posts the message on standard input to URL.",
        shouldDisplay: false
    )

    @Argument(help: "The simulated mailbox's URL.")
    var url: String

    /// `-t`, `-oi` and anything else sendmail would be given: accepted and ignored.
    @Argument(parsing: .allUnrecognized)
    var sendmailOptions: [String] = []

    func run() async throws {
        let message = FileHandle.standardInput.readDataToEndOfFile()
        let http = ProviderHTTPClient()
        do {
            try await http.post(url, body: Array(message), headers: [("Content-Type", "message/rfc822")])
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            StandardError.error("the simulated mailbox did not take the message: \(error)")
            throw ExitCode(75)  // EX_TEMPFAIL: sendmail's "try again later"
        }
    }

    /// The script the demo names as its mail notifier's `sendmail`.
    static func script(tokenwarden: String, mailbox: String) -> String {
        "#!/bin/sh\n# tokenwarden demo: a stand-in for sendmail(8) that hands the message to the demo's simulated mailbox.\n"
            + "exec '\(tokenwarden)' simulated-sendmail '\(mailbox)' \"$@\"\n"
    }
}

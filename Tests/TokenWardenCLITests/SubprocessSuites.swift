import Testing

/// The suites that run long-lived `tokenwarden` processes (the SIGKILL matrix, the daemon, the demo,
/// the journal tests), one test at a time. Run together on two cores they starved the in-process
/// simulators of the other suites until requests timed out.
@Suite(.serialized) enum SubprocessSuites {}

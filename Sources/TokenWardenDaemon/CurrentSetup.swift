import Synchronization
import TokenWardenLifecycle

/// The setup in effect, shared by the daemon's services: the polling service replaces it on a
/// reload, the outbox and metrics services read it each time they run. A lock rather than an actor:
/// the polling actor reads it synchronously, between the steps of its own methods.
final class CurrentSetup: Sendable {
    private let value: Mutex<CycleSetup>

    init(_ setup: CycleSetup) { value = Mutex(setup) }

    var setup: CycleSetup { value.withLock { $0 } }

    func replace(with setup: CycleSetup) { value.withLock { $0 = setup } }

    /// The setup in effect, its credentials read again first when a successor of tokenwarden's own
    /// credential was stored, undone or settled since (`CycleSetup.credentialsChanged`).
    func withCurrentCredentials() -> CycleSetup {
        value.withLock { setup in
            if setup.credentialsChanged { setup = setup.reloadingCredentials() }
            return setup
        }
    }
}

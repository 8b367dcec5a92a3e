import Foundation
import GRDB
import TokenWardenCore

@testable import TokenWardenStore

extension TokenStore {
    /// A database migrated up to `migration` and no further, with one AWX provider `awx`
    /// registered: the store an earlier version left, for a migration test to fill as that
    /// version's code wrote it.
    static func migrated(upTo migration: String, at now: Date) throws -> DatabaseQueue {
        let queue = try DatabaseQueue(configuration: configuration(readonly: false))
        try migrator.migrate(queue, upTo: migration)
        try TokenStore(unmigrated: queue).registerProviders(
            [ProviderConfig(id: "awx", kind: .awx, baseURL: "https://awx", credential: .systemd(name: "a"))], at: now)
        return queue
    }
}

import Foundation
import GRDB
import TokenWardenCore

/// When each provider's last complete listing started (`provider.listed_at`): a token not gone was
/// in that listing, so it was seen then, even though a listing writes no row for an unchanged token.
/// Applied to every token the store hands out, so `last_seen_at` reads as before.
struct ListingTimes {
    private let times: [String: Int64]
    private var cached: (provider: String, time: Int64?)?

    init(_ db: Database) throws {
        var times: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, listed_at FROM provider WHERE listed_at IS NOT NULL") { times[row[0]] = row[1] }
        self.times = times
    }

    /// `token` with its last sighting moved to its provider's last complete listing, if later.
    mutating func seen(_ token: Token) -> Token {
        guard !times.isEmpty, token.state != .gone else { return token }
        let time: Int64?
        if let cached, cached.provider == token.provider {
            time = cached.time
        } else {
            time = times[token.provider]
            cached = (token.provider, time)
        }
        guard let time, time > token.lastSeenAt.millisecondsSince1970 else { return token }
        var token = token
        token.lastSeenAt = Date(millisecondsSince1970: time)
        return token
    }
}

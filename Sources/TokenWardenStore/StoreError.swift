/// Why the token store could not be opened or could not answer, with what the admin can do about it.
/// Database file problems name the file; nothing in a message ever comes from a secret.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No database yet at the path (read-only commands never create one).
    case missing(path: String)
    /// The file is not a SQLite database or failed `PRAGMA quick_check`.
    case damaged(path: String, detail: String)
    /// SQLite could not open or write it (permissions, full disk, …).
    case unavailable(path: String, detail: String)
    /// Not fully set up: `applied` of `total` schema steps done, by an older tokenwarden or by a
    /// setup that stopped part-way (read-only commands do not migrate).
    case incompleteSchema(path: String, applied: Int, total: Int)
    /// Written by a newer tokenwarden than this one.
    case newerSchema(path: String)
    case tokenNotFound(reference: String)
    case ambiguousName(name: String, candidates: [String])
    /// A second rotation of a token whose first has not finished.
    case rotationInProgress(reference: String)
    /// `tokenwarden backup` could not write its copy.
    case backupFailed(destination: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let path):
            "no token database at \(path) yet: it is created by the first poll (start the daemon or run `tokenwarden sync`)"
        case .damaged(let path, let detail):
            "the token database \(path) is damaged (\(detail)); stop tokenwarden, move the file aside (keep it for inspection) and restart: "
                + "the inventory is rebuilt by the next poll, its history stays in the old file"
        case .unavailable(let path, let detail):
            "cannot use the token database \(path): \(detail)"
        case .incompleteSchema(let path, 0, _):
            "the token database \(path) was never set up: its creation stopped before the first step (the disk was full, or tokenwarden was "
                + "stopped); "
                + "run `tokenwarden sync` (or start the daemon) to create it, after freeing disk space if it is full"
        case .incompleteSchema(let path, let applied, let total):
            "the token database \(path) is only partly set up (\(applied) of \(total) steps): an older tokenwarden wrote it, or its setup "
                + "stopped part-way "
                + "(the disk was full, or tokenwarden was stopped); run `tokenwarden sync` (or start the daemon) to finish it, after "
                + "freeing disk space "
                + "if it is full; nothing in it is lost"
        case .newerSchema(let path):
            "the token database \(path) was written by a newer tokenwarden than this one; upgrade tokenwarden"
        case .tokenNotFound(let reference):
            "no token \"\(reference)\" in the inventory (give PROVIDER/ID or a token name; `tokenwarden tokens` lists them)"
        case .ambiguousName(let name, let candidates):
            "\(candidates.count) tokens are named \"\(name)\": \(candidates.joined(separator: ", ")); give PROVIDER/ID instead"
        case .rotationInProgress(let reference):
            "\(reference) is already being rotated; `tokenwarden history \(reference)` shows where that rotation stands"
        case .backupFailed(let destination, let reason):
            "no backup was written to \(destination): \(reason)"
        }
    }
}

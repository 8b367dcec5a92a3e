/// One page of a listing as a driver hands it over: the tokens it decoded, and the stored rows of
/// the tokens it recognised unchanged (`KnownListing`) and did not decode.
public struct ListedPage: Sendable {
    public var tokens: [ObservedToken]
    /// Row ids in the inventory, for the listing's sightings.
    public var unchanged: [Int64]

    public init(tokens: [ObservedToken] = [], unchanged: [Int64] = []) {
        self.tokens = tokens
        self.unchanged = unchanged
    }

    public var isEmpty: Bool { tokens.isEmpty && unchanged.isEmpty }
}

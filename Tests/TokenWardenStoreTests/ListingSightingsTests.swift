import Testing

@testable import TokenWardenStore

@Suite struct ListingSightingsTests {
    @Test func eachRowCountsOnceAndIsFoundAgain() {
        let sightings = ListingSightings()
        sightings.insert([5, 1, 64, 5, 1_000_003, 63])
        sightings.insert([64, 0])
        #expect(sightings.count == 6)
        #expect(sightings.rowIDs == [0, 1, 5, 63, 64, 1_000_003])
        #expect([0, 1, 5, 63, 64, 1_000_003].allSatisfy { sightings.contains($0) })
        #expect(![2, 62, 65, 1_000_002, 1_000_004, 9_999_999, -1].contains { sightings.contains($0) })
    }
}

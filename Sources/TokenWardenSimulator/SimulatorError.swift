/// A simulator that could not start or a fault it plays.
public struct SimulatorError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

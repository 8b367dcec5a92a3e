import Foundation

/// A webhook receiver beside the simulated providers (`POST /webhook/NAME`): what a notifier sent,
/// headers and body, for tests and the demo. It can be made to fail the next requests (503), or to
/// reject them as a careless receiver does: 401 with every header it got echoed in the body.
public actor SimulatedWebhook {
    /// One POST as it arrived.
    public struct Delivery: Sendable {
        public var name: String
        /// Header names in lower case.
        public var headers: [String: String]
        public var body: Data
    }

    public private(set) var received: [Delivery] = []
    private var failing = 0
    private var echoing = 0
    private var observer: (@Sendable (Delivery) -> Void)?

    public init() {}

    /// Calls `handler` with each delivery as it arrives (the demo prints them).
    public func observe(_ handler: @escaping @Sendable (Delivery) -> Void) { observer = handler }

    /// The next `count` requests are answered 503, as a receiver that is down.
    public func fail(next count: Int) { failing = count }

    /// The next `count` requests are answered 401 with the headers they carried, credentials included.
    public func rejectEchoingHeaders(next count: Int) { echoing = count }

    /// Records a POST; the status and body to answer.
    func receive(name: String, headers: [String: String], body: Data) -> (status: Int, body: String) {
        if echoing > 0 {
            echoing -= 1
            let echoed = headers.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            return (401, "rejected credentials: \(echoed)\n")
        }
        guard failing == 0 else {
            failing -= 1
            return (503, "down\n")
        }
        let delivery = Delivery(name: name, headers: headers, body: body)
        received.append(delivery)
        observer?(delivery)
        return (202, "")
    }
}

import Foundation
import TokenWardenCore

/// The injected faults: which request meets which, and how often.
extension SimulatedProvider {

    /// What an active request fault does to one listing request.
    enum FaultOutcome {
        case none
        /// Answer with this instead (an error status, a 429, a malformed body).
        case replace(SimulatedResponse)
        /// Answer normally, after this many seconds.
        case delay(Double)
        /// Answer normally, but close the connection half-way through the body.
        case truncate
    }

    /// Counts a listing request and applies an active request fault; `errorBody` renders the
    /// provider's own error envelope.
    func listingFault(_ errorBody: (Int, String) -> SimulatedResponse) -> FaultOutcome {
        listRequests += 1
        guard
            let behaviour = take(where: {
                switch $0 {
                case .rateLimit, .status, .slow, .truncated, .malformed: true
                default: false
                }
            })
        else {
            return .none
        }
        switch behaviour {
        case .rateLimit(let seconds):
            var response = errorBody(429, "Rate limit exceeded")
            response.headers.append(("Retry-After", String(seconds)))
            return .replace(response)
        case .status(let code):
            return .replace(errorBody(code, code >= 500 ? "Internal error (simulated)" : "Request refused (simulated)"))
        case .slow(let seconds):
            return .delay(seconds)
        case .truncated:
            return .truncate
        case .malformed:
            return .replace(SimulatedResponse(status: 200, body: Data(#"{"data": [{"id": "1", "attrib"#.utf8)))
        default:
            return .none
        }
    }

    /// Runs a listing: a replacing fault answers instead of `answer`; a shaping fault alters its answer.
    func listing(_ errorBody: (Int, String) -> SimulatedResponse, _ answer: () -> SimulatedResponse) -> SimulatedResponse {
        switch listingFault(errorBody) {
        case .replace(let response): return response
        case .none: return answer()
        case .delay(let seconds):
            var response = answer()
            response.delay = seconds
            return response
        case .truncate:
            var response = answer()
            response.truncate = true
            return response
        }
    }

    /// Whether a listing-shape fault is active (consuming one use).
    func active(_ behaviour: SimulatorFault.Behaviour) -> Bool { take { $0 == behaviour } != nil }

    func take(where matches: (SimulatorFault.Behaviour) -> Bool) -> SimulatorFault.Behaviour? {
        guard let index = faults.firstIndex(where: { matches($0.behaviour) }) else { return nil }
        let behaviour = faults[index].behaviour
        if let count = faults[index].count {
            if count <= 1 { faults.remove(at: index) } else { faults[index].count = count - 1 }
        }
        return behaviour
    }
}

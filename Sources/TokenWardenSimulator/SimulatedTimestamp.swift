import Foundation
import TokenWardenCore

/// Writes timestamps the way each provider does: SailPoint milliseconds and `Z`, AWX microseconds,
/// 12d Synergy a `+08:00` offset with 2, 3 or 7 fraction digits, Cryptlex whole seconds.
enum SimulatedTimestamp {
    static func format(_ date: Date, fractionDigits: Int, offsetMinutes: Int? = nil) -> String {
        let shifted = date.addingTimeInterval(Double((offsetMinutes ?? 0) * 60))
        var text = String(ProviderTimestamp.format(shifted).dropLast())  // without the Z
        if fractionDigits > 0 {
            let fraction = shifted.timeIntervalSince1970 - shifted.timeIntervalSince1970.rounded(.down)
            let scaled = Int((fraction * pow(10, Double(fractionDigits))).rounded(.down))
            text.append(".")
            ProviderTimestamp.append(scaled, digits: fractionDigits, to: &text)
        }
        guard let offsetMinutes else { return text + "Z" }
        text.append(offsetMinutes < 0 ? "-" : "+")
        ProviderTimestamp.append(abs(offsetMinutes) / 60, digits: 2, to: &text)
        text.append(":")
        ProviderTimestamp.append(abs(offsetMinutes) % 60, digits: 2, to: &text)
        return text
    }
}

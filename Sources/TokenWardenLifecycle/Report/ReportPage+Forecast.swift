import Foundation
import TokenWardenCore

/// The forecast chart: a bar per week, stacked by provider, always drawn (an empty axis says
/// "nothing due"), so the page is never without a picture.
extension ReportPage {
    /// Colours of the providers' stacks, in order, repeating (readable on white, told apart in grey).
    static let palette = ["#c0392b", "#2471a3", "#1e8449", "#b9770e", "#7d3c98", "#117a65", "#626567"]
    static let forecastLeft = 40.0
    static let forecastPlot = 160.0

    func forecastContext() -> [String: Any] {
        let weeks = forecast?.weeks ?? []
        let providers = Array(Set(weeks.flatMap(\.perProvider.keys))).sorted()
        let color = Dictionary(uniqueKeysWithValues: providers.enumerated().map { ($1, Self.palette[$0 % Self.palette.count]) })
        let slot = Self.chartWidth / Double(max(weeks.count, 1))
        let peak = Double(weeks.map { $0.perProvider.values.reduce(0, +) }.max() ?? 0)
        let axis = 20 + Self.forecastPlot
        var bars: [[String: Any]] = []
        for (index, week) in weeks.enumerated() {
            var top = axis
            for provider in providers {
                guard let count = week.perProvider[provider], count > 0, peak > 0 else { continue }
                let height = max(1, Double(count) / peak * Self.forecastPlot)
                top -= height
                bars.append([
                    "x": Self.number(Self.forecastLeft + Double(index) * slot + 2), "y": Self.number(top),
                    "width": Self.number(max(1, slot - 4)), "height": Self.number(height), "color": color[provider] ?? "#444",
                    "title": "week of \(week.day): \(count) at \(provider) (expiring, or a revoke or rotation due)",
                ])
            }
        }
        let ticks: [[String: Any]] = weeks.enumerated().compactMap { index, week in
            // A label every other week when there are many: they must not overlap.
            guard weeks.count <= 13 || index % 2 == 0 else { return nil }
            return [
                "x": Self.number(Self.forecastLeft + (Double(index) + 0.5) * slot), "y": Self.number(axis + 16),
                "label": String(week.day.dropFirst(5)),
            ]
        }
        return [
            "forecast_width": Self.number(Self.forecastLeft + Self.chartWidth + 20), "forecast_height": Self.number(axis + 30),
            "forecast_axis": Self.number(axis), "forecast_right": Self.number(Self.forecastLeft + Self.chartWidth),
            "forecast_middle": Self.number(Self.forecastLeft + Self.chartWidth / 2), "forecast_bars": bars, "forecast_ticks": ticks,
            "forecast_empty": bars.isEmpty, "forecast_weeks": weeks.count,
            "forecast_legend": providers.map { ["provider": $0, "color": color[$0] ?? "#444"] },
        ]
    }
}

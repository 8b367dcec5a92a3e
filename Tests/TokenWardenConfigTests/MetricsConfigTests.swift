import Foundation
import Testing
import TokenWardenCore
import TokenWardenTestSupport

@testable import TokenWardenConfig

/// `[metrics]`: read when right, each mistake named with file, line and key.
@Suite struct MetricsConfigTests {
    func read(_ text: String) throws -> (configuration: Configuration?, problems: [String], dir: TemporaryDirectory) {
        let dir = try TemporaryDirectory()
        let path = try dir.write("tokenwarden.toml", NotifierConfigTests.provider + text.replacingOccurrences(of: "DIR", with: dir.path))
        let (configuration, problems) = ConfigLoader().read(path: path)
        return (configuration, problems.map { $0.description.replacingOccurrences(of: path, with: "CONFIG") }, dir)
    }

    @Test func readsTheTextfileAndHorizon() throws {
        let (configuration, problems, dir) = try read("[metrics]\ntextfile = \"DIR/tokenwarden.prom\"\nhorizon = \"14d\"\n")
        #expect(problems.isEmpty, "\(problems)")
        #expect(configuration?.metrics == MetricsSettings(textfile: dir.subpath("tokenwarden.prom"), horizon: .days(14)))
        #expect(try read("").configuration?.metrics == MetricsSettings())
    }

    @Test(arguments: [
        (
            "[metrics]\ntextfile = \"DIR/metrics.txt\"\n",
            "CONFIG:7: [metrics], key \"textfile\": \"DIR/metrics.txt\" must be an absolute path ending in .prom "
                + "(node_exporter's textfile collector reads only those)"
        ),
        (
            "[metrics]\ntextfile = \"DIR/missing/tokenwarden.prom\"\n",
            "CONFIG:7: [metrics], key \"textfile\": DIR/missing does not exist: create it, or name the directory node_exporter's "
                + "--collector.textfile.directory reads (Debian: /var/lib/prometheus/node-exporter)"
        ),
        ("[metrics]\nhorizon = \"0s\"\n", "CONFIG:7: [metrics], key \"horizon\": must be longer than 0s"),
        ("[metrics]\nlisten = \"127.0.0.1:9464\"\n", "CONFIG:7: [metrics], key \"listen\": unknown key (valid keys here: textfile, horizon)"),
    ])
    func eachMistakeIsNamed(text: String, expected: String) throws {
        let (_, problems, dir) = try read(text)
        #expect(problems == [expected.replacingOccurrences(of: "DIR", with: dir.path)])
    }
}

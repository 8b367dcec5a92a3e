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
        ("127.0.0.1:9464", ListenAddress(host: "127.0.0.1", port: 9464)),
        ("127.0.2.1:1", ListenAddress(host: "127.0.2.1", port: 1)),
        ("[::1]:9464", ListenAddress(host: "::1", port: 9464)),
        ("localhost:9464", ListenAddress(host: "localhost", port: 9464)),
    ])
    func readsALoopbackListenAddress(text: String, expected: ListenAddress) throws {
        let (configuration, problems, _) = try read("[metrics]\nlisten = \"\(text)\"\n")
        #expect(problems.isEmpty, "\(problems)")
        #expect(configuration?.metrics.listen == expected)
        #expect(expected.description == text)
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
        ("[metrics]\nport = 9464\n", "CONFIG:7: [metrics], key \"port\": unknown key (valid keys here: textfile, listen, horizon)"),
        (
            "[metrics]\nlisten = \"0.0.0.0:9464\"\n",
            "CONFIG:7: [metrics], key \"listen\": 0.0.0.0 is not a loopback address: the metrics name tokens and owners and are "
                + "served without TLS or authentication, so only 127.0.0.1, ::1 or localhost are accepted (put a TLS proxy in front "
                + "for remote scrapes)"
        ),
        ("[metrics]\nlisten = \"9464\"\n", "CONFIG:7: [metrics], key \"listen\": \"9464\" is not HOST:PORT, e.g. \"127.0.0.1:9464\""),
        (
            "[metrics]\nlisten = \"127.0.0.1:http\"\n",
            "CONFIG:7: [metrics], key \"listen\": \"http\" in \"127.0.0.1:http\" is not a port (0 to 65535)"
        ),
        ("[metrics]\nlisten = \"::1:9464\"\n", "CONFIG:7: [metrics], key \"listen\": \"::1:9464\" is not HOST:PORT, e.g. \"127.0.0.1:9464\""),
    ])
    func eachMistakeIsNamed(text: String, expected: String) throws {
        let (_, problems, dir) = try read(text)
        #expect(problems == [expected.replacingOccurrences(of: "DIR", with: dir.path)])
    }
}

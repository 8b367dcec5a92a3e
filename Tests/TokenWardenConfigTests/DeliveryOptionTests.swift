import Foundation
import Testing
import TokenWardenConfig
import TokenWardenCore
import TokenWardenTestSupport

@Suite struct DeliveryOptionTests {
    @Test func readsOwnerModeAndTimeout() throws {
        let dir = try TemporaryDirectory()
        try dir.write(
            "10.toml",
            """
            [[rule]]
            name = "to-file"
            when.age_over = "60d"
            action = "rotate"
            deliver = { file = "/etc/deploy/token", owner = "deploy:deploy", mode = "0640" }

            [[rule]]
            name = "to-command"
            when.age_over = "60d"
            action = "rotate"
            deliver = { command = ["/usr/local/bin/reload"], timeout = "2m" }
            """)
        let rules = try PolicyLoader().load(directory: dir.path, providers: PolicyLoaderTests.providers).rules
        #expect(
            rules.map(\.delivery) == [
                Delivery.file(path: "/etc/deploy/token", owner: "deploy:deploy", mode: 0o640),
                Delivery.command(argv: ["/usr/local/bin/reload"], timeout: .minutes(2)),
            ])
        #expect(rules[0].delivery?.description == "file /etc/deploy/token (0640, owner deploy:deploy)")
    }

    @Test func refusesOptionsThatDoNotFitTheDelivery() throws {
        let found = try PolicyLoaderTests().problems([
            "10.toml": """
            [[rule]]
            name = "world-readable"
            when.age_over = "60d"
            action = "rotate"
            deliver = { file = "/t", mode = "0644", timeout = "10s" }

            [[rule]]
            name = "command-with-owner"
            when.age_over = "60d"
            action = "rotate"
            deliver = { command = ["/bin/x"], owner = "a:b:c", mode = "600", timeout = "0s" }

            [[rule]]
            name = "no-target"
            when.age_over = "60d"
            action = "rotate"
            deliver.mode = "0600"
            """
        ])
        #expect(
            found == [
                "10.toml:5: rule \"world-readable\", key \"deliver.mode\": \"0644\" lets every user read the secret; others may have no "
                    + "access (e.g. \"0640\")",
                "10.toml:5: rule \"world-readable\", key \"deliver.timeout\": only applies to deliver.command",
                "10.toml:11: rule \"command-with-owner\", key \"deliver.owner\": only applies to deliver.file",
                "10.toml:11: rule \"command-with-owner\", key \"deliver.mode\": only applies to deliver.file",
                "10.toml:11: rule \"command-with-owner\", key \"deliver.timeout\": must be longer than 0s",
                "10.toml:17: rule \"no-target\", key \"deliver\": give deliver.file or deliver.command",
            ])
    }
}

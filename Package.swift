// swift-tools-version:6.1
// tokenwarden: a systemd daemon that keeps personal access tokens from rotting.
//
// Dependency direction is strictly downward (see docs/architecture.md):
//   tokenwarden (exe) -> TokenWardenCLI -> TokenWardenDaemon (the process shell; the simulator for `simulate`/`demo`)
//     -> TokenWardenLifecycle (the application layer: cycle, actuator, rotator, revoker, deliverer)
//       -> TokenWardenStore, TokenWardenConfig, TokenWardenProviders, TokenWardenJournal
//         -> TokenWardenCore (Foundation only, no I/O, no clock reads)
// Each target declares exactly the modules it imports: scripts/check-imports, run by `make test`.
// Linux only: glibc (malloc_trim, prctl) and libsystemd are imported unconditionally.
import PackageDescription

let package = Package(
    name: "tokenwarden",
    products: [
        .executable(name: "tokenwarden", targets: ["tokenwarden"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .target(name: "TokenWardenCore"),
        // The forward-only JSON reader of listing pages and JSON columns (see its benchmark).
        .target(name: "TokenWardenJSON"),
        .target(
            name: "TokenWardenConfig",
            dependencies: ["TokenWardenCore", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(
            name: "TokenWardenStore",
            dependencies: ["TokenWardenCore", "TokenWardenJSON", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        .target(
            name: "TokenWardenProviders",
            dependencies: ["TokenWardenCore", "TokenWardenJSON", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio")]
        ),
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        // glibc's <malloc.h> (malloc_trim) for the daemon; part of libc, nothing to link or install.
        .systemLibrary(name: "CGlibcMalloc"),
        // prctl(PR_SET_DUMPABLE) for every tokenwarden process; part of libc, header-only.
        .systemLibrary(name: "CGlibcProcess"),
        .target(name: "TokenWardenJournal", dependencies: ["TokenWardenCore", "CSystemd", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "TokenWardenSimulator",
            dependencies: [
                "TokenWardenCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The application layer: one cycle (poll, decide, act), rotations, revokes and deliveries.
        // The daemon and the one-shot commands (`sync`, `rotate`, `revoke`, `plan`) both run on it.
        .target(
            name: "TokenWardenLifecycle",
            dependencies: [
                "TokenWardenCore", "TokenWardenConfig", "TokenWardenStore", "TokenWardenProviders", "TokenWardenJournal",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The process shell: a ServiceGroup of the polling service and the systemd status service.
        .target(
            name: "TokenWardenDaemon",
            dependencies: [
                "TokenWardenCore", "TokenWardenConfig", "TokenWardenStore", "TokenWardenProviders", "TokenWardenJournal",
                "TokenWardenLifecycle", "CGlibcMalloc",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TokenWardenCLI",
            dependencies: [
                "TokenWardenCore", "TokenWardenConfig", "TokenWardenStore", "TokenWardenProviders", "TokenWardenJournal",
                "TokenWardenSimulator", "TokenWardenLifecycle", "TokenWardenDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            plugins: ["VersionStamp"]
        ),
        .plugin(name: "VersionStamp", capability: .buildTool()),
        .executableTarget(name: "tokenwarden", dependencies: ["TokenWardenCLI", "CGlibcProcess"]),
        // The benchmark's fetch-only limit (scripts/bench/bench.py); not installed.
        .executableTarget(
            name: "tokenwarden-fetch-only",
            dependencies: ["TokenWardenProviders", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOCore", package: "swift-nio")],
            path: "Benchmarks/FetchOnly"
        ),

        // `swift run -c release tokenwarden-json-bench`: JSONReader against JSONDecoder on an AWX page.
        .executableTarget(name: "tokenwarden-json-bench", dependencies: ["TokenWardenJSON"], path: "Benchmarks/JSONDecoding"),

        .target(name: "TokenWardenTestSupport", dependencies: ["TokenWardenCore", "TokenWardenJournal"], path: "Tests/TokenWardenTestSupport"),
        .testTarget(name: "TokenWardenJSONTests", dependencies: ["TokenWardenJSON"]),
        .testTarget(name: "TokenWardenCoreTests", dependencies: ["TokenWardenCore", "TokenWardenTestSupport"]),
        .testTarget(name: "TokenWardenConfigTests", dependencies: ["TokenWardenCore", "TokenWardenConfig", "TokenWardenTestSupport"]),
        .testTarget(
            name: "TokenWardenStoreTests",
            dependencies: ["TokenWardenCore", "TokenWardenStore", "TokenWardenTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "TokenWardenProvidersTests",
            dependencies: ["TokenWardenCore", "TokenWardenJSON", "TokenWardenProviders", "TokenWardenSimulator",
                           .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio")]
        ),
        .testTarget(name: "TokenWardenJournalTests", dependencies: ["TokenWardenJournal", "TokenWardenTestSupport",
                                                                     .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "TokenWardenSimulatorTests", dependencies: ["TokenWardenCore", "TokenWardenSimulator"]),
        .testTarget(
            name: "TokenWardenLifecycleTests",
            dependencies: ["TokenWardenCore", "TokenWardenConfig", "TokenWardenStore", "TokenWardenProviders", "TokenWardenJournal",
                           "TokenWardenLifecycle", "TokenWardenSimulator", "TokenWardenTestSupport"]
        ),
        .testTarget(
            name: "TokenWardenDaemonTests",
            dependencies: ["TokenWardenCore", "TokenWardenJournal", "TokenWardenLifecycle", "TokenWardenDaemon", "TokenWardenStore",
                           "TokenWardenSimulator", "TokenWardenProviders", "TokenWardenTestSupport",
                           .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "TokenWardenCLITests",
            dependencies: ["TokenWardenCore", "TokenWardenConfig", "TokenWardenStore", "TokenWardenJournal", "TokenWardenLifecycle",
                           "TokenWardenSimulator", "TokenWardenCLI", "TokenWardenTestSupport", "tokenwarden",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version:6.1
// tokenwarden: a systemd daemon that keeps personal access tokens from rotting.
//
// Dependency direction is strictly downward (see docs/architecture.md):
//   tokenwarden (exe) -> TokenWardenCLI -> TokenWardenDaemon
//     -> TokenWardenStore, TokenWardenConfig, TokenWardenProviders, TokenWardenJournal, TokenWardenSimulator
//       -> TokenWardenCore (Foundation only, no I/O, no clock reads)
import PackageDescription

let package = Package(
    name: "tokenwarden",
    platforms: [.macOS(.v14)],
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
    ],
    targets: [
        .target(name: "TokenWardenCore"),
        .target(
            name: "TokenWardenConfig",
            dependencies: ["TokenWardenCore", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(
            name: "TokenWardenStore",
            dependencies: ["TokenWardenCore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        .target(
            name: "TokenWardenProviders",
            dependencies: ["TokenWardenCore", .product(name: "AsyncHTTPClient", package: "async-http-client")]
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
            ]
        ),
        .target(
            name: "TokenWardenDaemon",
            dependencies: [
                "TokenWardenCore", "TokenWardenConfig", "TokenWardenStore",
                "TokenWardenProviders", "TokenWardenJournal", "TokenWardenSimulator", "CGlibcMalloc",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .target(
            name: "TokenWardenCLI",
            dependencies: [
                "TokenWardenDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "tokenwarden", dependencies: ["TokenWardenCLI", "CGlibcProcess"]),
        // The benchmark's fetch-only limit (scripts/bench/bench.py); not installed.
        .executableTarget(
            name: "tokenwarden-fetch-only",
            dependencies: ["TokenWardenProviders", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            path: "Benchmarks/FetchOnly"
        ),

        .target(name: "TokenWardenTestSupport", dependencies: ["TokenWardenCore", "TokenWardenJournal"], path: "Tests/TokenWardenTestSupport"),
        .testTarget(name: "TokenWardenCoreTests", dependencies: ["TokenWardenCore", "TokenWardenTestSupport"]),
        .testTarget(name: "TokenWardenConfigTests", dependencies: ["TokenWardenConfig", "TokenWardenTestSupport"]),
        .testTarget(
            name: "TokenWardenStoreTests",
            dependencies: ["TokenWardenStore", "TokenWardenTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "TokenWardenProvidersTests",
            dependencies: ["TokenWardenProviders", "TokenWardenSimulator", "TokenWardenTestSupport",
                           .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .testTarget(name: "TokenWardenJournalTests", dependencies: ["TokenWardenJournal", "TokenWardenTestSupport"]),
        .testTarget(name: "TokenWardenSimulatorTests", dependencies: ["TokenWardenSimulator"]),
        .testTarget(
            name: "TokenWardenDaemonTests",
            dependencies: ["TokenWardenDaemon", "TokenWardenConfig", "TokenWardenSimulator", "TokenWardenTestSupport"]
        ),
        .testTarget(
            name: "TokenWardenCLITests",
            dependencies: ["TokenWardenCLI", "TokenWardenDaemon", "TokenWardenStore", "TokenWardenSimulator", "TokenWardenTestSupport", "tokenwarden"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version: 6.1
import PackageDescription

// One settings list for every target (the swift-log pattern): Swift 6 language mode with strict
// concurrency is the default for tools 6.x; these upcoming features keep imports and existentials honest.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Pipe",
    platforms: [.macOS(.v15), .iOS(.v18)],
    products: [
        .library(name: "PipeCore", targets: ["PipeCore"]),
        .library(name: "PipeExpression", targets: ["PipeExpression"]),
        .library(name: "PipeHTTP", targets: ["PipeHTTP"]),
        .library(name: "PipePipeline", targets: ["PipePipeline"]),
        .library(name: "PipeStorage", targets: ["PipeStorage"]),
        .library(name: "PipeAuth", targets: ["PipeAuth"]),
        .library(name: "PipeClient", targets: ["PipeClient"]),
        .library(name: "PipePostgres", targets: ["PipePostgres"]),
        .library(name: "PipeServer", targets: ["PipeServer"]),
        .executable(name: "pipe", targets: ["PipeCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // The server's service group (graceful shutdown order); the test kit stops test servers gracefully.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .target(name: "PipeCore"),
        .target(name: "PipeExpression", dependencies: ["PipeCore"]),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
        ),
        .target(
            name: "PipeHTTP",
            dependencies: [
                "PipeCore",
                "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "PipePipeline",
            dependencies: [
                "PipeCore",
                "PipeExpression",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "PipeStorage",
            dependencies: [
                "PipeCore",
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "PipeAuth",
            dependencies: [
                "PipeCore",
                "PipeHTTP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "PipePostgres",
            dependencies: [
                "PipeCore",
                "PipeAuth",
                "PipeStorage",
                "PipePipeline",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "PipeClient",
            dependencies: [
                "PipeCore",
                "PipeHTTP",
                "PipeAuth",
                "PipeStorage",
                "PipePipeline",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "PipeServer",
            dependencies: [
                "PipeCore",
                "PipeClient",
                "PipePostgres",
                "PipeAuth",
                "PipeStorage",
                "PipePipeline",
                "PipeHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "PipeCLI",
            dependencies: [
                "PipeClient",
                "PipeCore",
                "PipeExpression",
                "PipePipeline",
                "PipeStorage",
                "PipeServer",
                "PipePostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "PipeTestSupport",
            dependencies: [
                "PipeCore",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            path: "Tests/PipeTestSupport"
        ),
        .testTarget(name: "PipeCoreTests", dependencies: ["PipeCore", "PipeTestSupport"]),
        .testTarget(name: "PipeExpressionTests", dependencies: ["PipeExpression", "PipeCore", "PipeTestSupport"]),
        .testTarget(name: "PipeCLITests", dependencies: ["PipeTestSupport", "PipeCore", "PipeHTTP"]),
        .testTarget(
            name: "PipePipelineTests",
            dependencies: [
                "PipePipeline", "PipePostgres", "PipeCore", "PipeTestSupport",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "PipeAuthTests",
            dependencies: [
                "PipeAuth", "PipePostgres", "PipeCore", "PipeHTTP", "PipeTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            exclude: ["Scripts"]
        ),
        .testTarget(
            name: "PipeStorageTests",
            dependencies: [
                "PipeStorage", "PipePostgres", "PipeCore", "PipePipeline", "PipeTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "PipeServerTests",
            dependencies: [
                "PipeServer", "PipeClient", "PipeCore", "PipeAuth", "PipeHTTP", "PipeTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "PipeClientTests",
            dependencies: [
                "PipeClient", "PipeServer", "PipeCore", "PipeHTTP", "PipeAuth", "PipeStorage", "PipePipeline", "PipeTestSupport",
            ]
        ),
        .testTarget(
            name: "PipeHTTPTests",
            dependencies: [
                "PipeHTTP", "PipeCore", "PipeTestSupport",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            exclude: ["Servers"]
        ),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + swiftSettings
}

// swift-tools-version: 6.1
import PackageDescription

// Pipe's benchmarks live in their own package so that package-benchmark (and whatever it pulls in) never
// enters the build that `make test` does. It depends on the project by path.
//
// Targets whose folder sits directly in `Benchmarks/` (here `Benchmarks/Benchmarks/<Name>/`) are package-benchmark
// suites: the BenchmarkPlugin generates their `main`, and `swift package benchmark` finds and runs them.
// Everything else lives under `Sources/` and is an ordinary target.

// The same settings as the project's own targets (see ../Package.swift).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "PipeBenchmarks",
    platforms: [.macOS(.v15), .iOS(.v18)],
    products: [
        // The plain ns/op runner that scripts/compare-jmespath.sh builds and runs.
        .executable(name: "expression-bench", targets: ["ExpressionBench"]),
        // PipeHTTP against async-http-client and the curl tool, for scripts/compare-http.sh.
        .executable(name: "http-bench", targets: ["HTTPBench"]),
        // The pipeline engine against a hand-written loop and (through the script) bytewax, for
        // scripts/compare-pipeline.sh.
        .executable(name: "pipeline-bench", targets: ["PipelineBench"]),
        // PipeStorage against `cp`, and small-object throughput, for scripts/compare-storage.sh.
        .executable(name: "storage-bench", targets: ["StorageBench"]),
        // Access-token verification against raw P-256 and plain jwt-kit, for scripts/compare-auth.sh.
        .executable(name: "auth-bench", targets: ["AuthBench"]),
        // PipeClient remote and embedded small-object round trips, for scripts/compare-client.sh.
        .executable(name: "client-bench", targets: ["ClientBench"]),
        // The PostgreSQL job queue's burn-down and latency, for scripts/compare-queue.sh.
        .executable(name: "queue-bench", targets: ["QueueBench"]),
    ],
    dependencies: [
        .package(name: "Pipe", path: ".."),
        // Only the MallocInterposer trait: malloc counts without the Linux Swift-runtime interposer, which the
        // default traits would add (and which nothing here needs: no ARC metrics are collected).
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        // The peer PipeHTTP is measured against (scripts/compare-http.sh); only this package builds it.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // Inputs shared by every benchmark: paths, the JSON Lines record file, the JMESPath benchmark cases.
        .target(
            name: "BenchmarkFixtures",
            dependencies: [.product(name: "PipeCore", package: "Pipe")]
        ),

        // package-benchmark suites (`swift package benchmark`).
        .executableTarget(
            name: "JSONBenchmarks",
            dependencies: [
                "BenchmarkFixtures",
                .product(name: "PipeCore", package: "Pipe"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/JSONBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ExpressionBenchmarks",
            dependencies: [
                "BenchmarkFixtures",
                .product(name: "PipeCore", package: "Pipe"),
                .product(name: "PipeExpression", package: "Pipe"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ExpressionBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),

        .executableTarget(
            name: "PipelineBenchmarks",
            dependencies: [
                "BenchmarkFixtures",
                "PipelineWorkloads",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/PipelineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),

        .executableTarget(
            name: "StorageBenchmarks",
            dependencies: [
                .product(name: "PipeCore", package: "Pipe"),
                .product(name: "PipeStorage", package: "Pipe"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/StorageBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),

        .executableTarget(
            name: "AuthBenchmarks",
            dependencies: [
                .product(name: "PipeCore", package: "Pipe"),
                .product(name: "PipeAuth", package: "Pipe"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/AuthBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),

        // `expression-bench`: plain ns/op per benchmarks.json case, for scripts/compare-jmespath.sh. It does not
        // link package-benchmark, so it builds quickly and runs without the malloc interposer.
        .executableTarget(
            name: "ExpressionBench",
            dependencies: [
                "BenchmarkFixtures",
                .product(name: "PipeCore", package: "Pipe"),
                .product(name: "PipeExpression", package: "Pipe"),
            ]
        ),
        // The pipeline workload in its three forms (loop, typed, declarative), shared by the two below.
        .target(
            name: "PipelineWorkloads",
            dependencies: [
                .product(name: "PipeCore", package: "Pipe"),
                .product(name: "PipeExpression", package: "Pipe"),
                .product(name: "PipePipeline", package: "Pipe"),
            ]
        ),
        .executableTarget(
            name: "PipelineBench",
            dependencies: ["PipelineWorkloads", .product(name: "PipeCore", package: "Pipe")]
        ),
        .executableTarget(
            name: "ClientBench",
            dependencies: [
                .product(name: "PipeCore", package: "Pipe"), .product(name: "PipeHTTP", package: "Pipe"),
                .product(name: "PipeClient", package: "Pipe"),
            ]
        ),
        .executableTarget(
            name: "QueueBench",
            dependencies: [
                .product(name: "PipeCore", package: "Pipe"), .product(name: "PipePostgres", package: "Pipe"),
            ]
        ),
        .executableTarget(
            name: "StorageBench",
            dependencies: [
                .product(name: "PipeCore", package: "Pipe"),
                .product(name: "PipeStorage", package: "Pipe"),
            ]
        ),
        .executableTarget(
            name: "AuthBench",
            dependencies: [
                .product(name: "PipeCore", package: "Pipe"),
                .product(name: "PipeAuth", package: "Pipe"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "HTTPBench",
            dependencies: [
                .product(name: "PipeCore", package: "Pipe"),
                .product(name: "PipeHTTP", package: "Pipe"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ]
)

for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + swiftSettings
}

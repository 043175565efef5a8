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
        .executable(name: "pipe", targets: ["PipeCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .target(name: "PipeCore"),
        .target(name: "PipeExpression", dependencies: ["PipeCore"]),
        .executableTarget(
            name: "PipeCLI",
            dependencies: [
                "PipeCore",
                "PipeExpression",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "PipeTestSupport", path: "Tests/PipeTestSupport"),
        .testTarget(name: "PipeCoreTests", dependencies: ["PipeCore", "PipeTestSupport"]),
        .testTarget(name: "PipeExpressionTests", dependencies: ["PipeExpression", "PipeCore", "PipeTestSupport"]),
        .testTarget(name: "PipeCLITests", dependencies: ["PipeTestSupport"]),
    ]
)

for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + swiftSettings
}

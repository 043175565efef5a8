// swift-tools-version: 6.1
import PackageDescription

// Small programs that use Pipe as an application would: a separate package that depends on Pipe by path and sees
// only its public API. `scripts/check-examples.sh` (part of `make test`) builds and runs them.
let package = Package(
    name: "ClientExamples",
    platforms: [.macOS(.v15), .iOS(.v18)],
    dependencies: [.package(name: "Pipe", path: "../..")],
    targets: [
        .executableTarget(
            name: "embedded-pipeline",
            dependencies: [
                .product(name: "PipeClient", package: "Pipe"), .product(name: "PipeCore", package: "Pipe"),
                .product(name: "PipePipeline", package: "Pipe"),
            ],
            path: "Sources/EmbeddedPipeline"
        ),
        .executableTarget(
            name: "remote-upload",
            dependencies: [.product(name: "PipeClient", package: "Pipe"), .product(name: "PipeCore", package: "Pipe")],
            path: "Sources/RemoteUpload"
        ),
        .executableTarget(
            name: "custom-transform",
            dependencies: [
                .product(name: "PipeClient", package: "Pipe"), .product(name: "PipeCore", package: "Pipe"),
                .product(name: "PipePipeline", package: "Pipe"),
            ],
            path: "Sources/CustomTransform"
        ),
        .executableTarget(
            name: "oauth-login",
            dependencies: [.product(name: "PipeClient", package: "Pipe"), .product(name: "PipeCore", package: "Pipe")],
            path: "Sources/OAuthLogin"
        ),
        // The program the PipeClient tutorial builds (its last step is this file, checked by check-examples.sh).
        .executableTarget(
            name: "orders",
            dependencies: [
                .product(name: "PipeClient", package: "Pipe"), .product(name: "PipeCore", package: "Pipe"),
                .product(name: "PipePipeline", package: "Pipe"),
            ],
            path: "Sources/Orders"
        ),
    ]
)

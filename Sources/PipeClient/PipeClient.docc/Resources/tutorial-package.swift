// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Orders",
    platforms: [.macOS(.v15), .iOS(.v18)],
    dependencies: [
        // Pipe, checked out next to this package.
        .package(name: "Pipe", path: "../pipe")
    ],
    targets: [
        .executableTarget(
            name: "orders",
            dependencies: [
                .product(name: "PipeClient", package: "Pipe"),
                .product(name: "PipeCore", package: "Pipe"),
                .product(name: "PipePipeline", package: "Pipe"),
            ]
        )
    ]
)

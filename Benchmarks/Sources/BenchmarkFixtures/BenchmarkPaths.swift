import Foundation

/// Where the benchmarks find their inputs and keep generated files.
///
/// Paths are worked out from this source file's location, so the benchmarks behave the same whichever directory
/// they are started from (`swift package benchmark` runs them from the package directory, scripts from anywhere).
public enum BenchmarkPaths {
    /// The benchmark package: `<repo>/Benchmarks`.
    public static let packageDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // BenchmarkFixtures
        .deletingLastPathComponent()  // Sources
        .deletingLastPathComponent()  // Benchmarks

    /// The repository root.
    public static var repositoryRoot: URL { packageDirectory.deletingLastPathComponent() }

    /// Generated inputs and results: `$PIPE_BENCH_DATA_DIR`, else `Benchmarks/data/` (gitignored).
    public static var dataDirectory: URL {
        if let custom = environment("PIPE_BENCH_DATA_DIR") { return URL(fileURLWithPath: custom) }
        return packageDirectory.appendingPathComponent("data")
    }

    /// The shared conformance suites: `$PIPE_CONFORMANCE_DIR`, else `../shared/conformance` next to the repository.
    /// The suites are read from there and never copied into the repository.
    public static var conformanceDirectory: URL {
        if let custom = environment("PIPE_CONFORMANCE_DIR") { return URL(fileURLWithPath: custom) }
        return repositoryRoot.appendingPathComponent("../shared/conformance").standardizedFileURL
    }

    /// The JMESPath benchmark cases: `<conformance>/jmespath/benchmarks.json`.
    public static var jmespathBenchmarksFile: URL {
        conformanceDirectory.appendingPathComponent("jmespath/benchmarks.json")
    }

    static func environment(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}

/// A benchmark input that is missing or malformed.
public struct BenchmarkFixtureError: Error, CustomStringConvertible {
    /// What went wrong, for the benchmark report.
    public let description: String

    /// Creates an error with a message.
    public init(_ description: String) { self.description = description }
}

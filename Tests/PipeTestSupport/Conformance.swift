import Foundation

/// Locates the public conformance suites (`../shared/conformance`) without copying them into the repo.
public enum Conformance {
    /// `$PIPE_CONFORMANCE_DIR`, else `../shared/conformance` relative to the package root.
    public static var directory: URL {
        if let path = ProcessInfo.processInfo.environment["PIPE_CONFORMANCE_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance")
    }

    /// The package root, found from this source file's location.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath)  // …/Tests/PipeTestSupport/Conformance.swift
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `true` when running under CI, where a missing suite is a failure rather than a skip.
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The suite directory `name` if present. Under CI a missing suite is reported as an error.
    public static func suite(_ name: String) throws -> URL? {
        let url = directory.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: url.path) { return url }
        if isCI { throw MissingSuite(path: url.path) }
        print("note: conformance suite not found at \(url.path); set PIPE_CONFORMANCE_DIR to run it (skipped)")
        return nil
    }

    /// Thrown under CI when a suite is missing.
    public struct MissingSuite: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "conformance suite missing at \(path) (required when CI=true)" }
    }
}

import Foundation

/// Locates the test servers' scripts (`Tests/PipeHTTPTests/Servers`) without copying them anywhere.
enum ServerScripts {
    /// `$PIPE_TEST_SERVERS_DIR`, else `Tests/PipeHTTPTests/Servers` in this package.
    static var directory: URL {
        if let path = ProcessInfo.processInfo.environment["PIPE_TEST_SERVERS_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return URL(fileURLWithPath: #filePath)  // …/Tests/PipeTestSupport/ServerScripts.swift
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("PipeHTTPTests/Servers", isDirectory: true)
    }

    /// The path of the script `name` in ``directory``; throws when it is missing.
    static func path(_ name: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw TestServerError("test server script missing: \(path) (set PIPE_TEST_SERVERS_DIR?)")
        }
        return path
    }

    /// `/usr/bin/env`, which finds `python3` and `bash` on `PATH` the way a shell would.
    static let env = URL(fileURLWithPath: "/usr/bin/env")
}

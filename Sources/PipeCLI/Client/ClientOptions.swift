import ArgumentParser
import Foundation
import PipeClient
import PipeCore

/// Where a deployment is and who the client is, for the commands that talk to `pipe serve`.
///
/// The URL comes from `--url`, else `PIPE_URL`, else the one `pipe login` saved. The credential is `PIPE_API_KEY` when
/// set, else the session `pipe login` saved (in `PIPE_CONFIG_DIR`, default `~/.config/pipe`, readable by its
/// owner only).
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: "The deployment's URL (default: $PIPE_URL, else the one `pipe login` saved).")
    var url: String?

    @Flag(name: .long, help: "Print JSON, one record per line, instead of tables.")
    var json = false

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The client, signed in as the environment or the saved login says.
    func client() async throws(PipeError) -> PipeClient {
        let deployment = try resolvedURL()
        if let key = Self.environment["PIPE_API_KEY"], !key.isEmpty {
            return try await PipeClient.remote(deployment, credentials: .apiKey(key))
        }
        return try await PipeClient.remote(deployment, sessions: LoginFiles.sessions)
    }

    func resolvedURL() throws(PipeError) -> URL {
        let fromEnvironment = Self.environment["PIPE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        guard let text = url ?? fromEnvironment ?? LoginFiles.savedURL() else {
            throw PipeError(.invalidArgument, "no deployment: pass --url, set PIPE_URL, or run `pipe login --url URL`")
        }
        guard let parsed = URL(string: text), parsed.scheme == "http" || parsed.scheme == "https" else {
            throw PipeError(.invalidArgument, "\(text) is not an http or https URL")
        }
        return parsed
    }
}

/// The files `pipe login` keeps: the deployment's URL and the session.
enum LoginFiles {
    static var directory: String {
        let environment = ProcessInfo.processInfo.environment
        if let directory = environment["PIPE_CONFIG_DIR"], !directory.isEmpty { return directory }
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty { return config + "/pipe" }
        return FileManager.default.homeDirectoryForCurrentUser.path + "/.config/pipe"
    }

    static var sessions: FileSessionStore { FileSessionStore(path: directory + "/session.json") }

    static func savedURL() -> String? {
        guard let text = try? String(contentsOfFile: directory + "/url", encoding: .utf8) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    static func save(url: URL) throws(PipeError) {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try Data((url.absoluteString + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/url"), options: .atomic)
        } catch {
            throw PipeError(.unavailable, "cannot save the login in \(directory): \(error.localizedDescription)")
        }
    }
}

/// Runs a client command: prints a failure as `pipe: kind: message` (exit status 1) and always shuts the client down.
func clientCommand(_ options: ClientOptions, _ body: (PipeClient) async throws(PipeError) -> Void) async {
    do throws(PipeError) {
        let client = try await options.client()
        do throws(PipeError) {
            try await body(client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    } catch {
        CommandOutput.fail(error, exitCode: 1)
    }
}

import Foundation
import PipeCore
import PipeHTTP
import PipeTestSupport
import Testing

/// The client commands against a real `pipe serve` process.
@Suite("pipe as a remote client", .serialized)
struct ClientCommandTests {
    let pipe = CommandRunner(product: "pipe")

    /// A scratch directory and a `pipe serve` with its data in it.
    static func start() throws -> (URL, ServeProcess) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-client-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (directory, try ServeProcess.start(directory: directory.appendingPathComponent("server").path))
    }

    /// The environment of client commands acting with the server's admin API key (config under `directory`).
    static func keyEnvironment(_ directory: URL, _ server: ServeProcess) throws -> [String: String] {
        let key = try #require(server.adminKey)
        return ["PIPE_URL": server.baseURL, "PIPE_API_KEY": key, "PIPE_CONFIG_DIR": directory.appendingPathComponent("config").path]
    }

    @Test("buckets and objects with an API key from the environment: create, put, ls, get, sign, rm; tables and JSON")
    func storage() throws {
        let (directory, server) = try Self.start()
        defer {
            _ = server.stop()
            try? FileManager.default.removeItem(at: directory)
        }
        let environment = try Self.keyEnvironment(directory, server)
        func run(_ arguments: [String]) throws -> CommandRunner.Outcome {
            try pipe.run(arguments, environment: environment)
        }

        let created = try run(["buckets", "create", "reports"])
        #expect(created.status == 0 && created.stdout == "Created reports.\n", "\(created.stderr)")
        let listed = try run(["buckets"])
        #expect(listed.stdout.hasPrefix("NAME") && listed.stdout.contains("reports"))
        let file = directory.appendingPathComponent("q3.csv")
        let contents = String(repeating: "quarter,revenue\n", count: 50_000)
        try Data(contents.utf8).write(to: file)
        let put = try run(["objects", "put", "reports", "2026/q3.csv", file.path, "--json"])
        #expect(put.status == 0, "\(put.stderr)")
        #expect(put.stdout.contains(#""key":"2026\/q3.csv""#) || put.stdout.contains(#""key":"2026/q3.csv""#))
        let again = try run(["objects", "put", "reports", "2026/q3.csv", file.path])
        #expect(again.status == 1 && again.stderr.contains("pipe: object-exists:"))
        let ls = try run(["objects", "ls", "reports", "--prefix", "2026/"])
        #expect(ls.stdout.hasPrefix("KEY") && ls.stdout.contains("2026/q3.csv") && ls.stdout.contains("text/csv"))
        let target = directory.appendingPathComponent("copy.csv")
        #expect(try run(["objects", "get", "reports", "2026/q3.csv", "-o", target.path]).status == 0)
        #expect(try String(contentsOf: target, encoding: .utf8) == contents)
        #expect(try run(["objects", "get", "reports", "2026/q3.csv"]).stdout == contents)
        let signed = try run(["objects", "sign", "reports", "2026/q3.csv", "--expires", "60"])
        #expect(signed.stdout.hasPrefix(server.baseURL + "/v1/storage/signed/reports/2026/q3.csv?"))
        #expect(try run(["objects", "rm", "reports", "2026/q3.csv"]).status == 0)
        let missing = try run(["objects", "get", "reports", "2026/q3.csv"])
        #expect(missing.status == 1 && missing.stderr.contains("pipe: object-not-found:"))
        let nowhere = try pipe.run(["buckets"], environment: ["PIPE_URL": "", "PIPE_CONFIG_DIR": directory.path + "/none"])
        #expect(nowhere.status == 1 && nowhere.stderr.contains("no deployment"))
    }

    @Test("login keeps a session for later commands; jobs submit --watch prints the records; logout ends it")
    func sessionAndJobs() async throws {
        let (directory, server) = try Self.start()
        defer {
            _ = server.stop()
            try? FileManager.default.removeItem(at: directory)
        }
        let key = try #require(server.adminKey)
        // An account to sign in with, made by the admin over HTTP.
        let http = try CurlHTTPClient()
        defer { http.shutdown() }
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        headers.add(name: "Authorization", value: "Bearer " + key)
        let made = try await http.send(
            HTTPRequest(
                method: .post, url: URL(string: server.baseURL + "/v1/auth/users")!, headers: headers,
                body: Array(#"{"email": "ada@example.com", "password": "correct horse"}"#.utf8)))
        #expect(made.status == 201)

        let config = directory.appendingPathComponent("config").path
        let wrong = try pipe.run(
            ["login", "--url", server.baseURL, "--email", "ada@example.com"],
            environment: ["PIPE_PASSWORD": "wrong", "PIPE_CONFIG_DIR": config])
        #expect(wrong.status == 1 && wrong.stderr.contains("pipe: invalid-credentials:"))
        let login = try pipe.run(
            ["login", "--url", server.baseURL, "--email", "ada@example.com"],
            environment: ["PIPE_PASSWORD": "correct horse", "PIPE_CONFIG_DIR": config])
        #expect(login.status == 0 && login.stdout.contains("as ada@example.com"), "\(login.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: config + "/session.json")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        // No URL and no key in the environment: both come from the login.
        let session = ["PIPE_CONFIG_DIR": config]
        #expect(try pipe.run(["buckets", "create", "ada-data"], environment: session).status == 0)
        let definition = directory.appendingPathComponent("double.json")
        try Data(#"{"name": "double", "source": {"type": "caller"}, "steps": [{"type": "map", "expression": "{n: n * `2`}"}], "sink": {"type": "collect"}}"#.utf8).write(to: definition)
        let input = directory.appendingPathComponent("in.jsonl")
        try Data("{\"n\": 1}\n{\"n\": 2}\n".utf8).write(to: input)
        let watched = try pipe.run(["jobs", "submit", definition.path, "--input", input.path, "--watch"], environment: session)
        #expect(watched.status == 0, "\(watched.stderr)")
        #expect(watched.stdout == "{\"n\":2}\n{\"n\":4}\n")
        #expect(watched.stderr.contains(": succeeded"))
        let queued = try pipe.run(["jobs", "submit", definition.path, "--input", input.path, "--json", "--idempotency-key", "k1"], environment: session)
        #expect(queued.status == 0 && queued.stdout.contains(#""pipeline":"double""#))

        #expect(try pipe.run(["logout"], environment: session).status == 0)
        #expect(!FileManager.default.fileExists(atPath: config + "/session.json"))
        let after = try pipe.run(["buckets", "create", "more"], environment: session)
        #expect(after.status == 1 && after.stderr.contains("pipe: unauthenticated:"))
    }

    @Test("pipelines: register versions, list, show, run by name with input and --watch, delete")
    func pipelines() throws {
        let (directory, server) = try Self.start()
        defer {
            _ = server.stop()
            try? FileManager.default.removeItem(at: directory)
        }
        let environment = try Self.keyEnvironment(directory, server)
        func run(_ arguments: [String]) throws -> CommandRunner.Outcome {
            try pipe.run(arguments, environment: environment)
        }
        let definition = directory.appendingPathComponent("triple.yaml")
        try Data("name: triple\nsource: {type: caller}\nsteps:\n  - {type: map, expression: '{n: n * `3`}'}\nsink: {type: collect}\n".utf8)
            .write(to: definition)
        let registered = try run(["pipelines", "register", definition.path])
        #expect(registered.status == 0 && registered.stdout == "Registered triple version 1.\n", "\(registered.stderr)")
        let unchanged = try run(["pipelines", "register", definition.path])
        #expect(unchanged.stdout == "triple version 1 is already this definition.\n")
        let listed = try run(["pipelines"])
        #expect(listed.stdout.hasPrefix("NAME") && listed.stdout.contains("triple"))
        let shown = try run(["pipelines", "show", "triple", "--json"])
        #expect(shown.status == 0 && shown.stdout.contains(#""version":1"#) && shown.stdout.contains("n * `3`"), "\(shown.stderr)")
        #expect(try run(["pipelines", "versions", "triple"]).stdout.hasPrefix("VERSION"))

        let input = directory.appendingPathComponent("input.jsonl")
        try Data("{\"n\": 1}\n{\"n\": 5}\n".utf8).write(to: input)
        let ran = try run(["pipelines", "run", "triple", "--input", input.path, "--watch"])
        #expect(ran.status == 0 && ran.stdout == "{\"n\":3}\n{\"n\":15}\n", "\(ran.stderr)")
        #expect(ran.stderr.contains("succeeded"))

        #expect(try run(["pipelines", "delete", "triple"]).stdout == "Deleted triple.\n")
        let gone = try run(["pipelines", "show", "triple"])
        #expect(gone.status == 1 && gone.stderr.contains("pipe: pipeline-not-found:"))
    }
}

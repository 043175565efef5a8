import Foundation
import PipeClient
import PipeCore
import PipeHTTP
import PipeServer
import PipeTestSupport

/// A whole deployment served on 127.0.0.1 (a free port) from a fresh directory, with an admin API key and an HTTP
/// client pointed at it.
final class ServerFixture: Sendable {
    let server: PipeServer
    private let running: GracefulServerTask
    let baseURL: String
    let adminKey: String
    let http: CurlHTTPClient
    let directory: URL

    /// Starts a server, runs `body` with it, and stops it afterwards (also when `body` throws).
    static func with(
        configure: (inout ServerConfiguration) -> Void = { _ in }, _ body: (ServerFixture) async throws -> Void
    ) async throws {
        let server = try await start(configure: configure)
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    static func start(configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> ServerFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-server-\(UUID().uuidString)")
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.directory = directory.path
        configuration.passwordHashCost = 10  // tests need many hashes, not strong ones
        configure(&configuration)
        let server = try await PipeServer(configuration: configuration)
        let admin = try await server.deployment.bootstrapAdmin()
        let running = try await GracefulServerTask.start { onListening in try await server.run(onListening: onListening) }
        return ServerFixture(
            server: server, running: running, baseURL: "http://127.0.0.1:\(running.port)",
            adminKey: admin?.apiKey ?? "", http: try CurlHTTPClient(), directory: directory)
    }

    private init(
        server: PipeServer, running: GracefulServerTask, baseURL: String, adminKey: String, http: CurlHTTPClient,
        directory: URL
    ) {
        self.server = server
        self.running = running
        self.baseURL = baseURL
        self.adminKey = adminKey
        self.http = http
        self.directory = directory
    }

    /// Stops the server gracefully (see ``GracefulServerTask``).
    func stop() async {
        await running.stop()
        http.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Sends a request; `token` goes in `Authorization: Bearer`.
    func send(
        _ method: HTTPMethod, _ path: String, token: String? = nil, json: JSONValue? = nil, body: [UInt8] = [],
        headers: HTTPHeaders = [:]
    ) async throws -> HTTPResponse {
        var headers = headers
        if let token { headers.add(name: "Authorization", value: "Bearer " + token) }
        var bytes = body
        if let json {
            var writer = JSONWriter()
            writer.write(json)
            bytes = writer.bytes
            headers.add(name: "Content-Type", value: "application/json")
        }
        return try await http.send(HTTPRequest(method: method, url: URL(string: baseURL + path)!, headers: headers, body: bytes))
    }

    /// Creates a user (as the admin) and signs them in; returns their access token and id.
    func user(_ email: String) async throws -> (token: String, id: String) {
        let created = try await send(.post, "/v1/auth/users", token: adminKey, json: ["email": .string(email), "password": "correct horse"])
        guard created.status == 201 else { throw PipeError(.internalError, "creating \(email): \(created.status)") }
        let login = try await send(.post, "/v1/auth/login", json: ["email": .string(email), "password": "correct horse"])
        let body = try JSONValue(parsing: login.body)
        guard let token = body["accessToken"]?.stringValue, let id = body["userId"]?.stringValue else {
            throw PipeError(.internalError, "signing \(email) in: \(String(decoding: login.body, as: UTF8.self))")
        }
        return (token, id)
    }
}

extension HTTPResponse {
    var json: JSONValue { (try? JSONValue(parsing: body)) ?? .null }
    var errorCode: String? { json["error"]?["code"]?.stringValue }
}

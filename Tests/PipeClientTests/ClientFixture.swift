import Foundation
import PipeAuth
import PipeClient
import PipeCore
import PipeServer
import PipeTestSupport

/// Where a parity test runs: in-process, or against a real `PipeServer` on 127.0.0.1.
enum Mode: String, CaseIterable, Sendable {
    case embedded
    case remote
}

/// A fresh deployment (its own directory) and a client of it in one mode, signed in with the first admin's API key.
final class ClientFixture: Sendable {
    let mode: Mode
    let client: PipeClient
    /// The services behind the client (in-process, or inside the server), for setting up accounts.
    let services: EmbeddedServices
    let adminKey: String
    let directory: URL
    private let stopAll: @Sendable () async -> Void
    private let makeClient: @Sendable (Credentials) async throws -> PipeClient
    private let makeRemote: (@Sendable (Credentials, PipeClient.RemoteOptions) async throws -> PipeClient)?

    private init(
        mode: Mode, client: PipeClient, services: EmbeddedServices, adminKey: String, directory: URL,
        makeClient: @escaping @Sendable (Credentials) async throws -> PipeClient,
        makeRemote: (@Sendable (Credentials, PipeClient.RemoteOptions) async throws -> PipeClient)?,
        stop: @escaping @Sendable () async -> Void
    ) {
        self.makeRemote = makeRemote
        self.mode = mode
        self.client = client
        self.services = services
        self.adminKey = adminKey
        self.directory = directory
        self.makeClient = makeClient
        self.stopAll = stop
    }

    /// Another remote client with its own options (remote mode only).
    func newRemoteClient(_ credentials: Credentials, options: PipeClient.RemoteOptions) async throws -> PipeClient {
        guard let makeRemote else { throw PipeError(.invalidArgument, "not a remote fixture") }
        return try await makeRemote(credentials, options)
    }

    /// Another client of the same deployment in the same mode.
    func newClient(_ credentials: Credentials) async throws -> PipeClient {
        try await makeClient(credentials)
    }

    static func with(
        _ mode: Mode, configure: (inout ServerConfiguration) -> Void = { _ in }, _ body: (ClientFixture) async throws -> Void
    ) async throws {
        let fixture = try await start(mode, configure: configure)
        do {
            try await body(fixture)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    /// `configure` adjusts the server; in-process, the OAuth providers and redirect URIs it sets apply too.
    static func start(_ mode: Mode, configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> ClientFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-client-\(UUID().uuidString)")
        switch mode {
        case .embedded:
            var options = EmbeddedServices.Options()
            options.passwordHashCost = 10  // tests need many hashes, not strong ones
            var configuration = ServerConfiguration()
            configure(&configuration)  // what both modes share: the sign-in providers
            options.oauthProviders = configuration.oauthProviders
            options.oauthRedirectURIs = configuration.oauthRedirectURIs
            let services = try await EmbeddedServices.open(directory: directory.path, options: options)
            let admin = try await services.bootstrapAdmin()
            let workers = Task { await services.runWorkers() }
            let make: @Sendable (Credentials) async throws -> PipeClient = { credentials in
                try await PipeClient.embedded(services, credentials: credentials)
            }
            return ClientFixture(
                mode: mode, client: try await make(.apiKey(admin?.apiKey ?? "")), services: services,
                adminKey: admin?.apiKey ?? "", directory: directory, makeClient: make, makeRemote: nil
            ) {
                await services.stopWorkers()
                await workers.value
                try? FileManager.default.removeItem(at: directory)
            }
        case .remote:
            let server = try await TestServer.start(directory, configure: configure)
            let url = URL(string: "http://127.0.0.1:\(server.port)")!
            let clients = ClientList()
            let make: @Sendable (Credentials, PipeClient.RemoteOptions) async throws -> PipeClient = { credentials, options in
                let client = try await PipeClient.remote(url, credentials: credentials, options: options)
                await clients.add(client)
                return client
            }
            return ClientFixture(
                mode: mode, client: try await make(.apiKey(server.adminKey ?? ""), .init()),
                services: server.services, adminKey: server.adminKey ?? "", directory: directory,
                makeClient: { credentials in try await make(credentials, .init()) }, makeRemote: make
            ) {
                await clients.shutdownAll()
                await server.stop()
                try? FileManager.default.removeItem(at: directory)
            }
        }
    }

    func stop() async {
        await stopAll()
    }

    /// Makes a user with a password (as the deployment; the client API has no admin calls yet).
    func user(_ email: String, password: String = "correct horse") async throws -> User {
        let deployment = Principal(id: try UserID("deployment"), kind: .serviceAccount, roles: [AccessPolicy.adminRole])
        return try await services.auth.createUser(email: email, password: password, as: deployment)
    }
}

/// Remote clients made by a fixture, shut down with it.
actor ClientList {
    private var clients: [PipeClient] = []
    func add(_ client: PipeClient) { clients.append(client) }
    func shutdownAll() async {
        for client in clients { await client.shutdown() }
    }
}

/// A `PipeServer` on 127.0.0.1 (a free port) over `directory`, whose data survives a stop and a new start; stopped
/// gracefully (see ``GracefulServerTask``).
struct TestServer: Sendable {
    let port: Int
    /// The first admin's API key, when this start made the deployment.
    let adminKey: String?
    let services: EmbeddedServices
    private let running: GracefulServerTask

    static func start(_ directory: URL, configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> TestServer {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.directory = directory.path
        configuration.passwordHashCost = 10  // tests need many hashes, not strong ones
        configure(&configuration)
        let server = try await PipeServer(configuration: configuration)
        let admin = try await server.deployment.bootstrapAdmin()
        let running = try await GracefulServerTask.start { onListening in try await server.run(onListening: onListening) }
        return TestServer(port: running.port, adminKey: admin?.apiKey, services: server.deployment.services, running: running)
    }

    /// - Returns: whether it stopped gracefully, without being cancelled after 5 s.
    @discardableResult
    func stop() async -> Bool {
        await running.stop()
    }
}

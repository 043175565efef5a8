import Foundation
import PipeCore
import PipePipeline
import PipePostgres
import PipeTestSupport
import Testing

/// A registry in a temporary SQLite file (removed with the fixture), or in a fresh PostgreSQL schema.
final class RegistryFixture: Sendable {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-registry-\(UUID().uuidString).sqlite").path
    let registry: any PipelineRegistry
    let backend: String
    let database: PostgresDatabase?

    init(backend: String = "sqlite", limits: PipelineRegistryLimits = PipelineRegistryLimits()) async throws {
        self.backend = backend
        if backend == "postgres" {
            let database = try await PostgresDatabase.open(
                url: try TestPostgres.requireURL(), schema: TestPostgres.freshSchema(), maxConnections: 8)
            try await PostgresMigrator.migrate(database)
            self.database = database
            registry = PostgresPipelineRegistry(database: database, limits: limits)
        } else {
            database = nil
            registry = try SQLitePipelineRegistry(path: path, limits: limits)
        }
    }

    /// Another handle on the same registry, as another process (or replica) would open.
    func another() throws -> any PipelineRegistry {
        if let database { return PostgresPipelineRegistry(database: database) }
        return try SQLitePipelineRegistry(path: path)
    }

    deinit {
        database?.close()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

@Suite("Pipeline registry")
struct PipelineRegistryTests {
    let ada = Principal(id: try! UserID("ada"), roles: ["member"])
    let eve = Principal(id: try! UserID("eve"), roles: ["member"])

    static func definition(_ name: String, factor: Int = 2, version: Int = 1) throws -> PipelineDefinition {
        try PipelineDefinition.parse(
            json: #"{"name": "\#(name)", "version": \#(version), "steps": [{"type": "map", "expression": "n * `\#(factor)`"}]}"#)
    }

    @Test("registering numbers versions; an unchanged definition adds none; versions stay readable", arguments: TestPostgres.kinds(["sqlite"]))
    func versions(backend: String) async throws {
        let fixture = try await RegistryFixture(backend: backend)
        let registry = fixture.registry
        let first = try await registry.register(try Self.definition("double"), as: ada)
        #expect(first.created && first.pipeline.version == 1 && first.pipeline.definition.version == 1)
        // The version a client writes in the definition is bookkeeping the registry overrides.
        let again = try await registry.register(try Self.definition("double", version: 7), as: ada)
        #expect(!again.created && again.pipeline.version == 1)
        let second = try await registry.register(try Self.definition("double", factor: 3), as: ada)
        #expect(second.created && second.pipeline.version == 2 && second.pipeline.definition.version == 2)

        #expect(try await registry.pipeline(try PipelineName("double"), version: nil, as: ada).version == 2)
        let old = try await registry.pipeline(try PipelineName("double"), version: 1, as: ada)
        #expect(old.definition == (try Self.definition("double")))
        #expect(try await registry.versions(of: try PipelineName("double"), limit: 10, cursor: nil, as: ada).items.map(\.version) == [2, 1])
        #expect(await pipeError { _ = try await registry.pipeline(try PipelineName("double"), version: 3, as: ada) }?.code == .pipelineNotFound)
        #expect(await pipeError { _ = try await registry.pipeline(try PipelineName("triple"), version: nil, as: ada) }?.code == .pipelineNotFound)
    }

    @Test("each account has its own namespace; anonymous callers and narrow scopes are refused", arguments: TestPostgres.kinds(["sqlite"]))
    func namespaces(backend: String) async throws {
        let fixture = try await RegistryFixture(backend: backend)
        let registry = fixture.registry
        _ = try await registry.register(try Self.definition("double"), as: ada)
        #expect(await pipeError { _ = try await registry.pipeline(try PipelineName("double"), version: nil, as: eve) }?.code == .pipelineNotFound)
        #expect(await pipeError { try await registry.delete(try PipelineName("double"), as: eve) }?.code == .pipelineNotFound)
        let eves = try await registry.register(try Self.definition("double", factor: 5), as: eve)
        #expect(eves.created && eves.pipeline.version == 1)
        #expect(try await registry.pipelines(limit: 10, cursor: nil, as: eve).items.map(\.name.rawValue) == ["double"])
        #expect(await pipeError { _ = try await registry.pipelines(limit: 10, cursor: nil, as: nil) }?.code == .unauthenticated)
        var reader = ada
        reader.scopes = ["pipelines:read"]
        #expect(try await registry.pipeline(try PipelineName("double"), version: nil, as: reader).version == 1)
        #expect(await pipeError { _ = try await registry.register(try Self.definition("other"), as: reader) }?.code == .forbidden)
        #expect(await pipeError { try await registry.delete(try PipelineName("double"), as: reader) }?.code == .forbidden)
        try await registry.delete(try PipelineName("double"), as: ada)
        #expect(try await registry.pipelines(limit: 10, cursor: nil, as: ada).items.isEmpty)
        #expect(try await registry.pipeline(try PipelineName("double"), version: nil, as: eve).definition == (try Self.definition("double", factor: 5)))
    }

    @Test("listings page by name and by version; limits bound what an account keeps", arguments: TestPostgres.kinds(["sqlite"]))
    func listingsAndLimits(backend: String) async throws {
        let fixture = try await RegistryFixture(backend: backend, limits: PipelineRegistryLimits(maxPipelines: 3, maxVersions: 2))
        let registry = fixture.registry
        for name in ["c", "a", "b"] { _ = try await registry.register(try Self.definition(name), as: ada) }
        let first = try await registry.pipelines(limit: 2, cursor: nil, as: ada)
        #expect(first.items.map(\.name.rawValue) == ["a", "b"] && first.items.allSatisfy { $0.latestVersion == 1 })
        let rest = try await registry.pipelines(limit: 2, cursor: first.nextCursor, as: ada)
        #expect(rest.items.map(\.name.rawValue) == ["c"] && rest.nextCursor == nil)
        #expect(await pipeError { _ = try await registry.register(try Self.definition("d"), as: ada) }?.code == .limitExceeded)
        _ = try await registry.register(try Self.definition("a", factor: 3), as: ada)
        #expect(await pipeError { _ = try await registry.register(try Self.definition("a", factor: 4), as: ada) }?.code == .limitExceeded)
        let page = try await registry.versions(of: try PipelineName("a"), limit: 1, cursor: nil, as: ada)
        #expect(page.items.map(\.version) == [2])
        #expect(try await registry.versions(of: try PipelineName("a"), limit: 1, cursor: page.nextCursor, as: ada).items.map(\.version) == [1])
        #expect(await pipeError { _ = try await registry.pipelines(limit: 0, cursor: nil, as: ada) }?.code == .invalidArgument)
        #expect(await pipeError { _ = try await registry.versions(of: try PipelineName("a"), limit: 5, cursor: "-1", as: ada) }?.code == .invalidArgument)
    }

    @Test("registrations racing from separate connections get consecutive versions, never one number twice", arguments: TestPostgres.kinds(["sqlite"]))
    func concurrentRegistrations(backend: String) async throws {
        let fixture = try await RegistryFixture(backend: backend)
        let registries = try (0..<4).map { _ in try fixture.another() }
        let ada = self.ada
        let versions = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, registry) in registries.enumerated() {
                for round in 0..<10 {
                    group.addTask {
                        try await registry.register(try Self.definition("race", factor: index * 100 + round + 2), as: ada)
                            .pipeline.version
                    }
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(versions.sorted() == Array(1...40))
    }

    @Test("running a registered pipeline: latest or a pinned version; an idempotent retry finds its job across a new version", arguments: TestPostgres.kinds(["sqlite"]))
    func runs(backend: String) async throws {
        let fixture = try await RegistryFixture(backend: backend)
        let registry = fixture.registry
        let jobs = PipelineJobs(queue: InMemoryJobQueue(), concurrency: 1)
        let worker = Task { await jobs.run() }
        defer { worker.cancel() }
        let name = try PipelineName("scale")
        _ = try await registry.register(try Self.definition("scale"), as: ada)
        let job = try await jobs.run(name, input: [["n": 5]], idempotencyKey: "k1", from: registry, as: ada)
        #expect(try await jobs.result(job.id, as: ada).records == [10])
        _ = try await registry.register(try Self.definition("scale", factor: 3), as: ada)
        // The same request again: the same job, although "latest" now means version 2.
        #expect(try await jobs.run(name, input: [["n": 5]], idempotencyKey: "k1", from: registry, as: ada).id == job.id)
        // The same key for another request is refused.
        #expect(await pipeError { _ = try await jobs.run(name, input: [["n": 6]], idempotencyKey: "k1", from: registry, as: ada) }?.code == .idempotencyKeyReused)
        #expect(await pipeError { _ = try await jobs.run(name, version: 1, input: [["n": 5]], idempotencyKey: "k1", from: registry, as: ada) }?.code == .idempotencyKeyReused)
        let latest = try await jobs.run(name, input: [["n": 5]], from: registry, as: ada)
        #expect(try await jobs.result(latest.id, as: ada).records == [15])
        let pinned = try await jobs.run(name, version: 1, input: [["n": 5]], from: registry, as: ada)
        #expect(try await jobs.result(pinned.id, as: ada).records == [10])
        // Someone else's pipeline does not exist for them; a token that may only read cannot run.
        #expect(await pipeError { _ = try await jobs.run(name, input: [], from: registry, as: eve) }?.code == .pipelineNotFound)
        var reader = ada
        reader.scopes = ["pipelines:read"]
        #expect(await pipeError { _ = try await jobs.run(name, input: [], from: registry, as: reader) }?.code == .forbidden)
        await jobs.shutdown()
    }
}

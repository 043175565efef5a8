import Foundation
import PipeCore
import Logging
import PipePostgres
import PipeStorage
import PipeTestSupport

/// A fresh embedded store in a temporary directory, with a clock the test can move.
final class StorageFixture: Sendable {
    let directory: String
    let storage: StorageService
    let clock: TestClock

    static let alice = Principal(id: try! UserID("alice"))
    static let bob = Principal(id: try! UserID("bob"))
    static let carol = Principal(id: try! UserID("carol"), roles: ["editor"])
    static let admin = Principal(id: try! UserID("root"), roles: ["admin"])

    /// Where the records live: "sqlite" (embedded) or "postgres" (a fresh schema of the test cluster).
    let backend: String
    /// The PostgreSQL schema, reused by ``reopen(_:)``.
    let schema: String?
    let database: PostgresDatabase?

    /// The backends the storage suites that take a `backend` argument run on.
    static let backends = TestPostgres.kinds(["sqlite"])

    init(
        backend: String = "sqlite", _ configure: (inout StorageConfiguration) -> Void = { _ in },
        directory: String? = nil, schema: String? = nil
    ) async throws {
        let directory =
            directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("pipe-storage-\(UUID().uuidString)")
            .path
        self.directory = directory
        self.backend = backend
        let clock = TestClock()
        self.clock = clock
        var configuration = StorageConfiguration()
        configuration.now = { clock.now }
        configure(&configuration)
        if backend == "postgres" {
            let name = schema ?? TestPostgres.freshSchema()
            let database = try await PostgresDatabase.open(
                url: try TestPostgres.requireURL(), schema: name, maxConnections: 8)
            try await PostgresMigrator.migrate(database)
            self.schema = name
            self.database = database
            storage = try await StorageService.open(
                directory: directory, metadata: PostgresStorageMetadata(database: database),
                configuration: configuration, logger: Logger(label: "pipe.storage"))
        } else {
            self.schema = nil
            database = nil
            storage = try await StorageService.embedded(directory: directory, configuration: configuration)
        }
    }

    /// Opens the same directory (and schema) again, as a restarted process would.
    func reopen(_ configure: (inout StorageConfiguration) -> Void = { _ in }) async throws -> StorageFixture {
        try await StorageFixture(backend: backend, configure, directory: directory, schema: schema)
    }

    func remove() {
        database?.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Every regular file under the store's directory, relative to it.
    func files() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                files.append(path)
            }
        }
        return files.sorted()
    }

    func blobFiles() -> [String] { files().filter { $0.hasPrefix("blobs/") } }
}

/// A settable clock shared between a test and the store.
final class TestClock: Sendable {
    private let seconds = Mutex(Date().timeIntervalSince1970)

    var now: Date { Date(timeIntervalSince1970: seconds.withLock { $0 }) }

    func advance(by interval: TimeInterval) {
        seconds.withLock { $0 += interval }
    }
}

import Synchronization

/// Bytes that differ from position to position, so a misplaced or missing chunk shows.
func pattern(_ count: Int, seed: UInt8 = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ ($0 >> 8) &+ Int(seed)) }
}

extension BucketName {
    static func named(_ raw: String) -> BucketName { try! BucketName(raw) }
}

extension ObjectKey {
    static func named(_ raw: String) -> ObjectKey { try! ObjectKey(raw) }
}


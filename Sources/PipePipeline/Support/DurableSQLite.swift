import Foundation
import GRDB
import PipeCore

/// One SQLite file (through GRDB) as the pipeline module's durable stores use it: WAL mode, `synchronous = FULL`
/// (what a write acknowledged is on disk), a 30 s busy timeout for processes sharing the file, every write one
/// `IMMEDIATE` transaction, and every database error turned into a `PipeError`.
struct DurableSQLite: Sendable {
    let database: DatabaseQueue
    /// What the store is called in errors ("the job queue").
    let name: String

    /// Opens (creating if needed) the file at `path` and brings its schema up to date.
    ///
    /// - Throws: `unavailable` when the file cannot be opened or migrated.
    init(path: String, label: String, name: String, migrator: DatabaseMigrator) throws(PipeError) {
        self.name = name
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(30)
        configuration.label = label
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try migrator.migrate(database)
        } catch {
            throw PipeError(.unavailable, "cannot open \(name) at \(path): \(error)", details: ["path": path])
        }
    }

    /// Runs `body` in one `IMMEDIATE` transaction: no other connection writes between its reads and its writes.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(PipeError) -> T {
        do {
            return try await database.writeWithoutTransaction { db in
                var result: Result<T, any Error> = .failure(PipeError(.internalError, "the transaction did not run"))
                try db.inTransaction(.immediate) {
                    result = Result { try body(db) }
                    if case .failure(let error) = result { throw error }
                    return .commit
                }
                return try result.get()
            }
        } catch {
            throw pipeError(error)
        }
    }

    /// Runs `body` on a consistent snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(PipeError) -> T {
        do {
            return try await database.read(body)
        } catch {
            throw pipeError(error)
        }
    }

    func pipeError(_ error: any Error) -> PipeError {
        if let error = error as? PipeError { return error }
        if error is CancellationError { return PipeError(.cancelled, "the \(name) operation was cancelled") }
        return PipeError(.unavailable, "\(name) failed: \(error)")
    }
}

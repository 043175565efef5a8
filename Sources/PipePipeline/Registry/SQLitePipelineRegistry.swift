import Foundation
import GRDB
import PipeCore

/// The embedded ``PipelineRegistry``: definitions in a SQLite file (WAL, `synchronous = FULL`), each registration
/// one `IMMEDIATE` transaction, so two processes registering at once get two consecutive versions, never one
/// number twice.
///
/// ```swift
/// let registry = try SQLitePipelineRegistry(path: ".pipe/pipelines.sqlite")
/// ```
public final class SQLitePipelineRegistry: PipelineRegistry {
    private let database: DurableSQLite
    private let limits: PipelineRegistryLimits
    private let now: @Sendable () -> Date

    /// Opens (creating if needed) the registry in the SQLite file at `path`.
    ///
    /// - Parameters:
    ///   - path: the database file; its directory must exist.
    ///   - limits: how much one account may keep.
    ///   - now: the clock, injectable for tests.
    /// - Throws: `unavailable` when the file cannot be opened or migrated.
    public init(
        path: String, limits: PipelineRegistryLimits = PipelineRegistryLimits(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(PipeError) {
        self.limits = limits
        self.now = now
        database = try DurableSQLite(
            path: path, label: "pipe.pipelines", name: "the pipeline registry", migrator: Self.migrator)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("pipe_pipelines_v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE pipe_pipeline_versions (
                        owner TEXT NOT NULL,
                        name TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        created_at REAL NOT NULL,
                        definition BLOB NOT NULL,
                        PRIMARY KEY (owner, name, version)
                    ) WITHOUT ROWID;
                    """)
        }
        return migrator
    }

    public func register(_ definition: PipelineDefinition, owner: UserID) async throws(PipeError)
        -> PipelineRegistration
    {
        let limits = self.limits
        let date = now()
        return try await database.write { db throws in
            let stored: PipelineDefinition
            if let latest = try Self.latestRow(db, definition.name, owner) {
                let pipeline = try Self.pipeline(from: latest)
                guard let next = try RegistryRules.successor(of: pipeline, for: definition, limits: limits) else {
                    return PipelineRegistration(pipeline: pipeline, created: false)
                }
                stored = next
            } else {
                let count =
                    try Int.fetchOne(
                        db, sql: "SELECT COUNT(DISTINCT name) FROM pipe_pipeline_versions WHERE owner = ?",
                        arguments: [owner.rawValue]) ?? 0
                stored = try RegistryRules.first(definition, accountHolds: count, limits: limits)
            }
            try db.execute(
                sql: """
                    INSERT INTO pipe_pipeline_versions (owner, name, version, created_at, definition)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    owner.rawValue, definition.name.rawValue, stored.version, date.timeIntervalSince1970,
                    Data(stored.json.serialized()),
                ])
            return PipelineRegistration(
                pipeline: RegisteredPipeline(
                    name: definition.name, version: stored.version, owner: owner, createdAt: date, definition: stored),
                created: true)
        }
    }

    public func pipeline(_ name: PipelineName, version: Int?, owner: UserID) async throws(PipeError)
        -> RegisteredPipeline
    {
        try await database.read { db throws in
            let row: Row?
            if let version {
                row = try Row.fetchOne(
                    db, sql: "SELECT * FROM pipe_pipeline_versions WHERE owner = ? AND name = ? AND version = ?",
                    arguments: [owner.rawValue, name.rawValue, version])
            } else {
                row = try Self.latestRow(db, name, owner)
            }
            guard let row else { throw RegistryRules.notFound(name, version: version) }
            return try Self.pipeline(from: row)
        }
    }

    public func pipelines(owner: UserID, limit: Int, cursor: String?) async throws(PipeError)
        -> Page<PipelineSummary>
    {
        _ = try Paging.position(limit: limit, cursor: nil)
        let after = try cursor.map { text throws(PipeError) in try PipelineName(text).rawValue } ?? ""
        return try await database.read { db throws in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT name, MAX(version) AS latest, MAX(created_at) AS updated FROM pipe_pipeline_versions
                    WHERE owner = ? AND name > ? GROUP BY name ORDER BY name LIMIT ?
                    """, arguments: [owner.rawValue, after, limit + 1])
            let page = try rows.prefix(limit).map { row in
                PipelineSummary(
                    name: try PipelineName(row["name"] as String), latestVersion: row["latest"],
                    updatedAt: Date(timeIntervalSince1970: row["updated"]))
            }
            return Page(items: page, nextCursor: rows.count > limit ? page.last?.name.rawValue : nil)
        }
    }

    public func versions(of name: PipelineName, owner: UserID, limit: Int, cursor: String?) async throws(PipeError)
        -> Page<PipelineVersionSummary>
    {
        let before = try Paging.position(limit: limit, cursor: cursor) ?? Int64.max
        return try await database.read { db throws in
            guard try Self.latestRow(db, name, owner) != nil else {
                throw RegistryRules.notFound(name)
            }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT version, created_at FROM pipe_pipeline_versions
                    WHERE owner = ? AND name = ? AND version < ? ORDER BY version DESC LIMIT ?
                    """, arguments: [owner.rawValue, name.rawValue, before, limit + 1])
            let page = rows.prefix(limit).map { row in
                PipelineVersionSummary(version: row["version"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
            }
            return Page(items: page, nextCursor: rows.count > limit ? page.last.map { String($0.version) } : nil)
        }
    }

    public func delete(_ name: PipelineName, owner: UserID) async throws(PipeError) {
        try await database.write { db throws in
            try db.execute(
                sql: "DELETE FROM pipe_pipeline_versions WHERE owner = ? AND name = ?",
                arguments: [owner.rawValue, name.rawValue])
            guard db.changesCount > 0 else {
                throw RegistryRules.notFound(name)
            }
        }
    }

    // MARK: Rows

    static func latestRow(_ db: Database, _ name: PipelineName, _ owner: UserID) throws -> Row? {
        try Row.fetchOne(
            db,
            sql: "SELECT * FROM pipe_pipeline_versions WHERE owner = ? AND name = ? ORDER BY version DESC LIMIT 1",
            arguments: [owner.rawValue, name.rawValue])
    }

    static func pipeline(from row: Row) throws -> RegisteredPipeline {
        let definition = try PipelineDefinition.decode(try JSONValue(parsing: [UInt8](row["definition"] as Data)))
        return RegisteredPipeline(
            name: definition.name, version: row["version"], owner: try UserID(row["owner"] as String),
            createdAt: Date(timeIntervalSince1970: row["created_at"]), definition: definition)
    }
}

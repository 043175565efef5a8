import Foundation
import NIOCore
import PipeCore
import PipePipeline
import PostgresNIO

/// The scaled-out `PipelineRegistry`: definitions in PostgreSQL, shared by every replica.
///
/// Registrations for one account take a transaction-scoped advisory lock on that account, so two replicas
/// registering at once get two consecutive versions (never one number twice) and the account's limits hold.
///
/// ```swift
/// let database = try await PostgresDatabase.open(url: "postgres://pipe@127.0.0.1/pipe")
/// try await PostgresMigrator.migrate(database)
/// let registry = PostgresPipelineRegistry(database: database)
/// ```
public final class PostgresPipelineRegistry: PipelineRegistry {
    private let database: PostgresDatabase
    private let limits: PipelineRegistryLimits
    private let now: @Sendable () -> Date

    /// A registry on a database that ``PostgresMigrator/migrate(_:)`` brought up to date.
    ///
    /// - Parameters:
    ///   - database: the database.
    ///   - limits: how much one account may keep.
    ///   - now: the clock, injectable for tests.
    public init(
        database: PostgresDatabase, limits: PipelineRegistryLimits = PipelineRegistryLimits(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.limits = limits
        self.now = now
    }

    public func register(_ definition: PipelineDefinition, owner: UserID) async throws(PipeError)
        -> PipelineRegistration
    {
        let limits = self.limits
        let date = now()
        return try await database.transaction { transaction throws -> PipelineRegistration in
            try await transaction.query("SELECT pg_advisory_xact_lock(hashtextextended(\(owner.rawValue), 0))")
            let stored: PipelineDefinition
            if let latest = try await Self.latestRow(transaction, definition.name, owner) {
                let pipeline = try Self.pipeline(from: latest)
                guard let next = try RegistryRules.successor(of: pipeline, for: definition, limits: limits) else {
                    return PipelineRegistration(pipeline: pipeline, created: false)
                }
                stored = next
            } else {
                let count = try await transaction.one(
                    "SELECT COUNT(DISTINCT name) AS n FROM pipe_pipeline_versions WHERE owner = \(owner.rawValue)"
                )?["n"].decode(Int.self) ?? 0
                stored = try RegistryRules.first(definition, accountHolds: count, limits: limits)
            }
            let bytes = ByteBuffer(bytes: stored.json.serialized())
            try await transaction.query(
                """
                INSERT INTO pipe_pipeline_versions (owner, name, version, created_at, definition)
                VALUES (\(owner.rawValue), \(definition.name.rawValue), \(stored.version),
                        \(date.timeIntervalSince1970), \(bytes))
                """)
            return PipelineRegistration(
                pipeline: RegisteredPipeline(
                    name: definition.name, version: stored.version, owner: owner, createdAt: date, definition: stored),
                created: true)
        }
    }

    public func pipeline(_ name: PipelineName, version: Int?, owner: UserID) async throws(PipeError)
        -> RegisteredPipeline
    {
        try await database.transaction { transaction throws -> RegisteredPipeline in
            let row: PostgresRandomAccessRow?
            if let version {
                row = try await transaction.one(
                    """
                    SELECT * FROM pipe_pipeline_versions
                    WHERE owner = \(owner.rawValue) AND name = \(name.rawValue) AND version = \(version)
                    """)
            } else {
                row = try await Self.latestRow(transaction, name, owner)
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
        let rows = try await database.query(
            """
            SELECT name, MAX(version) AS latest, MAX(created_at) AS updated FROM pipe_pipeline_versions
            WHERE owner = \(owner.rawValue) AND name > \(after) GROUP BY name ORDER BY name LIMIT \(limit + 1)
            """)
        do {
            let page = try rows.prefix(limit).map { row in
                let row = row.makeRandomAccess()
                return PipelineSummary(
                    name: try PipelineName(try row["name"].decode(String.self)),
                    latestVersion: try row["latest"].decode(Int.self),
                    updatedAt: Date(timeIntervalSince1970: try row["updated"].decode(Double.self)))
            }
            return Page(items: page, nextCursor: rows.count > limit ? page.last?.name.rawValue : nil)
        } catch {
            throw Self.corrupt(error)
        }
    }

    public func versions(of name: PipelineName, owner: UserID, limit: Int, cursor: String?) async throws(PipeError)
        -> Page<PipelineVersionSummary>
    {
        let before = try Paging.position(limit: limit, cursor: cursor) ?? Int64.max
        return try await database.transaction { transaction throws -> Page<PipelineVersionSummary> in
            guard try await Self.latestRow(transaction, name, owner) != nil else {
                throw RegistryRules.notFound(name)
            }
            let rows = try await transaction.query(
                """
                SELECT version, created_at FROM pipe_pipeline_versions
                WHERE owner = \(owner.rawValue) AND name = \(name.rawValue) AND version < \(before)
                ORDER BY version DESC LIMIT \(limit + 1)
                """)
            let page = try rows.prefix(limit).map { row in
                let (version, created) = try row.decode((Int, Double).self)
                return PipelineVersionSummary(version: version, createdAt: Date(timeIntervalSince1970: created))
            }
            return Page(items: page, nextCursor: rows.count > limit ? page.last.map { String($0.version) } : nil)
        }
    }

    public func delete(_ name: PipelineName, owner: UserID) async throws(PipeError) {
        let deleted = try await database.query(
            """
            DELETE FROM pipe_pipeline_versions WHERE owner = \(owner.rawValue) AND name = \(name.rawValue)
            RETURNING 1
            """)
        guard !deleted.isEmpty else {
            throw RegistryRules.notFound(name)
        }
    }

    // MARK: Rows

    static func latestRow(_ transaction: PostgresDatabase.Transaction, _ name: PipelineName, _ owner: UserID)
        async throws -> PostgresRandomAccessRow?
    {
        try await transaction.one(
            """
            SELECT * FROM pipe_pipeline_versions WHERE owner = \(owner.rawValue) AND name = \(name.rawValue)
            ORDER BY version DESC LIMIT 1
            """)
    }

    static func pipeline(from row: PostgresRandomAccessRow) throws -> RegisteredPipeline {
        var bytes = try row["definition"].decode(ByteBuffer.self)
        let definition = try PipelineDefinition.decode(
            try JSONValue(parsing: bytes.readBytes(length: bytes.readableBytes) ?? []))
        return RegisteredPipeline(
            name: definition.name, version: try row["version"].decode(Int.self),
            owner: try UserID(try row["owner"].decode(String.self)),
            createdAt: Date(timeIntervalSince1970: try row["created_at"].decode(Double.self)), definition: definition)
    }

    static func corrupt(_ error: any Error) -> PipeError {
        error as? PipeError ?? PipeError(.internalError, "a stored pipeline cannot be read: \(error)")
    }
}

import Foundation
import PipeCore
import PostgresNIO

/// One forward-only schema change: statements run in order, in one transaction, recorded under `name`.
struct PostgresMigration: Sendable {
    /// Never renamed or edited once released: the name is how a database remembers the change was made.
    let name: String
    /// One statement each (the extended query protocol takes one statement at a time).
    let statements: [String]
}

/// Brings a database's schema up to date, safely from several replicas at once.
///
/// Every migration runs in its own transaction that first takes a transaction-scoped advisory lock, so replicas
/// starting together apply each change exactly once: the others wait, then see it recorded and skip it. A database
/// that records a migration this build does not know was migrated by a newer Pipe; it is refused rather than run
/// against a schema this build cannot read.
public enum PostgresMigrator {
    /// The advisory lock key every migration takes ("pipe" in ASCII, so other applications' keys rarely collide).
    static let lockKey: Int64 = 0x7069_7065

    /// Every migration, in the order they apply. Append only.
    static var migrations: [PostgresMigration] {
        PostgresSchema.jobs + PostgresSchema.pipelines + PostgresSchema.storage + PostgresSchema.auth
            + PostgresSchema.deployment
    }

    /// Applies what is missing; returns the names applied now (empty when the schema was current).
    ///
    /// - Throws: `unavailable` when the database cannot be reached or a statement fails; `conflict` when the
    ///   database was migrated by a newer build.
    @discardableResult
    public static func migrate(_ database: PostgresDatabase) async throws(PipeError) -> [String] {
        let known = Set(migrations.map(\.name))
        var applied: [String] = []
        try await database.transaction { transaction in
            try await transaction.query("SELECT pg_advisory_xact_lock(\(lockKey))")
            try await transaction.query(
                """
                CREATE TABLE IF NOT EXISTS pipe_schema_migrations (
                    name TEXT PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)
                """)
        }
        for migration in migrations {
            let ran = try await database.transaction { transaction throws -> Bool in
                try await transaction.query("SELECT pg_advisory_xact_lock(\(lockKey))")
                let done = try await transaction.query("SELECT name FROM pipe_schema_migrations")
                    .map { try $0.decode(String.self) }
                if let unknown = done.first(where: { !known.contains($0) }) {
                    throw PipeError(
                        .conflict,
                        "the database was migrated by a newer Pipe (it records \(unknown)); upgrade this build",
                        details: ["migration": unknown])
                }
                guard !done.contains(migration.name) else { return false }
                for statement in migration.statements {
                    try await transaction.query(PostgresQuery(unsafeSQL: statement))
                }
                let now = Date().timeIntervalSince1970
                try await transaction.query(
                    "INSERT INTO pipe_schema_migrations (name, applied_at) VALUES (\(migration.name), \(now))")
                return true
            }
            if ran { applied.append(migration.name) }
        }
        return applied
    }
}

extension PostgresMigrator {
    /// The migrations this build has that the database does not record (empty when it is current).
    public static func pending(_ database: PostgresDatabase) async throws(PipeError) -> [String] {
        let exists = try await database.query("SELECT to_regclass('pipe_schema_migrations') IS NOT NULL")
        guard (try? exists.first?.decode(Bool.self)) == true else { return migrations.map(\.name) }
        let rows = try await database.query("SELECT name FROM pipe_schema_migrations")
        let done = Set(rows.compactMap { try? $0.decode(String.self) })
        return migrations.map(\.name).filter { !done.contains($0) }
    }

    /// Throws unless the schema is exactly this build's.
    ///
    /// - Throws: `conflict` naming what is missing (run `pipe migrate`) or what is unknown (a newer build migrated).
    public static func requireCurrent(_ database: PostgresDatabase) async throws(PipeError) {
        let missing = try await pending(database)
        guard missing.isEmpty else {
            throw PipeError(
                .conflict, "the database schema is behind this build (missing \(missing.joined(separator: ", "))): run pipe migrate",
                details: ["migration": missing[0]])
        }
        let known = Set(migrations.map(\.name))
        let rows = try await database.query("SELECT name FROM pipe_schema_migrations")
        if let unknown = rows.compactMap({ try? $0.decode(String.self) }).first(where: { !known.contains($0) }) {
            throw PipeError(
                .conflict, "the database was migrated by a newer Pipe (it records \(unknown)); upgrade this build",
                details: ["migration": unknown])
        }
    }

    /// Records a migration this build does not have, as a newer build would: for tests of the refusal.
    package static func recordForTesting(_ name: String, in database: PostgresDatabase) async throws(PipeError) {
        try await database.execute(
            "INSERT INTO pipe_schema_migrations (name, applied_at) VALUES (\(name), \(Date().timeIntervalSince1970))")
    }
}

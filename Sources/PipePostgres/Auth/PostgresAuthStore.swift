import Foundation
import NIOCore
import PipeAuth
import PipeCore
import PostgresNIO

/// Auth data in PostgreSQL: accounts, identities, sessions, API keys, signing keys, one-time login state,
/// lockouts and the audit log, shared by every replica of a deployment.
///
/// It behaves as `SQLiteAuthStore` does, value for value: dates are seconds since 1970 in `DOUBLE PRECISION` (so they
/// round-trip exactly), lists and sets are the same JSON text, and a violated constraint (a taken email, a linked
/// identity, an unknown account) is a `conflict`. Each protocol method is one statement, or one transaction that
/// locks the rows it decides on, so replicas racing on the same row get the compare-and-set answers SQLite's single
/// writer gives.
package final class PostgresAuthStore: AuthStore {
    let database: PostgresDatabase

    /// The schema must be migrated first (`PostgresMigrator.migrate`).
    package init(database: PostgresDatabase) { self.database = database }

    /// What SQLiteAuthStore throws for any violated constraint; the same here so callers see one contract.
    static var alreadyExists: PipeError { PipeError(.conflict, "the record already exists") }

    /// Runs one statement on its own (autocommit); a violated constraint is a `conflict`.
    @discardableResult
    func run(_ query: PostgresQuery) async throws(PipeError) -> [PostgresRow] {
        do throws(PipeError) {
            return try await database.query(query)
        } catch {
            throw Self.constraintAsConflict(error)
        }
    }

    /// Runs `body` in one transaction; a violated constraint is a `conflict`, other `PipeError`s pass unchanged.
    func write<T: Sendable>(_ body: (PostgresDatabase.Transaction) async throws -> T) async throws(PipeError) -> T {
        do throws(PipeError) {
            return try await database.transaction(body)
        } catch {
            throw Self.constraintAsConflict(error)
        }
    }

    /// Runs an `INSERT … ON CONFLICT DO NOTHING RETURNING 1`: nothing inserted means the key was taken.
    ///
    /// The conflict clause keeps a taken key from being a server error; a foreign key naming a missing account still
    /// fails the statement, which ``run(_:)`` reports as a `conflict` too, as SQLite's constraint error is.
    func insert(_ query: PostgresQuery) async throws(PipeError) {
        guard try await run(query).count == 1 else { throw Self.alreadyExists }
    }

    /// Runs an `UPDATE … RETURNING 1` or `DELETE … RETURNING 1`: whether it changed exactly one row (the answer of
    /// a compare-and-set whose expected state is in the `WHERE`).
    func changed(_ query: PostgresQuery) async throws(PipeError) -> Bool {
        try await run(query).count == 1
    }

    /// The first row `query` returns, decoded.
    func one<T>(_ query: PostgresQuery, _ decode: (AuthRow) throws(PipeError) -> T) async throws(PipeError) -> T? {
        guard let row = try await run(query).first else { return nil }
        return try decode(AuthRow(row))
    }

    /// Every row `query` returns, decoded, in order.
    func all<T>(_ query: PostgresQuery, _ decode: (AuthRow) throws(PipeError) -> T) async throws(PipeError) -> [T] {
        try Self.decodeAll(try await run(query), decode)
    }

    static func decodeAll<T>(_ rows: [PostgresRow], _ decode: (AuthRow) throws(PipeError) -> T) throws(PipeError)
        -> [T]
    {
        var values: [T] = []
        values.reserveCapacity(rows.count)
        for row in rows { values.append(try decode(AuthRow(row))) }
        return values
    }

    /// SQLite reads a negative `LIMIT` as no limit, PostgreSQL refuses it; `LIMIT NULL` is PostgreSQL's no limit.
    static func limit(_ limit: Int) -> Int? { limit < 0 ? nil : limit }

    /// Integrity-constraint violations (SQLSTATE class 23: unique, foreign key, not null, check) are what
    /// SQLiteAuthStore reports as `conflict`; `PostgresErrors` reports them as `unavailable` with the SQLSTATE.
    static func constraintAsConflict(_ error: PipeError) -> PipeError {
        guard error.code == .unavailable, error.details["sqlstate"]?.hasPrefix("23") == true else { return error }
        return alreadyExists
    }
}

/// One row of an auth table, read column by column.
///
/// A missing column or a cell that does not decode as its column's type means the row (or the schema) is corrupt:
/// an `internal` error rather than a crash, and never the cell's content in the message (it may be a secret).
struct AuthRow {
    let cells: PostgresRandomAccessRow

    init(_ row: PostgresRow) { cells = row.makeRandomAccess() }

    init(_ cells: PostgresRandomAccessRow) { self.cells = cells }

    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(PipeError) -> T {
        guard cells.contains(column) else {
            throw PipeError(.internalError, "an auth row has no \(column) column", details: ["column": column])
        }
        do {
            return try cells[column].decode(T.self)
        } catch {
            throw PipeError(
                .internalError, "an auth row's \(column) column does not read as \(T.self)",
                details: ["column": column])
        }
    }

    func date(_ column: String) throws(PipeError) -> Date {
        Date(timeIntervalSince1970: try value(column, as: Double.self))
    }

    func optionalDate(_ column: String) throws(PipeError) -> Date? {
        guard let seconds = try value(column, as: Double?.self) else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }

    /// A JSON list column; unreadable JSON reads as empty, as in SQLiteAuthStore.
    func list(_ column: String) throws(PipeError) -> [String] {
        StoredValues.list(from: try value(column, as: String?.self))
    }

    /// An id column validated when written; one that no longer validates is corrupt (the id's own error, as in
    /// SQLiteAuthStore).
    func userID(_ column: String) throws(PipeError) -> UserID {
        try UserID(try value(column, as: String.self))
    }

    func optionalUserID(_ column: String) throws(PipeError) -> UserID? {
        guard let text = try value(column, as: String?.self) else { return nil }
        return try UserID(text)
    }

    func sessionID(_ column: String) throws(PipeError) -> SessionID {
        try SessionID(try value(column, as: String.self))
    }

    func optionalSessionID(_ column: String) throws(PipeError) -> SessionID? {
        guard let text = try value(column, as: String?.self) else { return nil }
        return try SessionID(text)
    }
}

import Foundation
import NIOCore
import PipeCore
import PipeStorage
import PostgresNIO

/// Storage metadata in PostgreSQL: buckets, object records and upload sessions, shared by every replica.
///
/// It behaves as `SQLiteStorageMetadata` does, method for method; what differs is how the guarantees SQLite gets
/// from its single writer are kept when several replicas write at once:
/// - every write is one `READ COMMITTED` transaction that first locks the rows it decides on: the bucket row
///   (`FOR UPDATE`) for anything that changes the bucket's objects or usage, the session row for anything that
///   changes its parts. Writers into one bucket therefore take turns, and the quotas and `CommitConditions`
///   checked in a transaction still hold when it commits;
/// - locks are taken in one order (bucket, then session, then object and part rows), so writers wait for each other
///   rather than deadlock; a transaction PostgreSQL still aborts as a deadlock victim (a key rotation meeting a
///   write) is run again, see ``write(_:)``;
/// - object keys are `BYTEA`, compared byte by byte, so listings come in the order SQLite gives.
///
/// Bodies never catch a failed statement and carry on (PostgreSQL aborts the transaction): inserts that may meet an
/// existing row use `ON CONFLICT` and look at what they returned.
package final class PostgresStorageMetadata: StorageMetadataStore {
    let database: PostgresDatabase

    /// The schema must be migrated first (`PostgresMigrator.migrate`).
    package init(database: PostgresDatabase) { self.database = database }

    /// Always `nil`: the SQLite store's counter is a file every process on one machine shares, and there is no such
    /// counter across replicas on several machines. `nil` tells the service that nothing may be served from memory
    /// without asking the database, so a replica never serves what another replica has since replaced.
    package var changeCounter: SharedChangeCounter? { nil }

    /// How many times a transaction runs in all when PostgreSQL aborts it as a deadlock victim or a serialization
    /// failure.
    static let attempts = 3

    // MARK: Buckets

    package func insertBucket(_ record: BucketRecord) async throws(PipeError) {
        let (settings, grants) = try Self.encode(record)
        let inserted = try await database.query(
            """
            INSERT INTO pipe_storage_buckets (name, settings, owner, grants)
            VALUES (\(record.bucket.name.rawValue), \(settings), \(record.policy.owner?.rawValue), \(grants))
            ON CONFLICT (name) DO NOTHING RETURNING 1
            """)
        guard !inserted.isEmpty else {
            throw PipeError(.bucketExists, "a bucket named \(record.bucket.name) exists")
        }
    }

    package func bucket(_ name: BucketName) async throws(PipeError) -> BucketRecord? {
        let rows = try await database.query("SELECT * FROM pipe_storage_buckets WHERE name = \(name.rawValue)")
        return try rows.first.map { $0.makeRandomAccess() }.map(Self.bucket(from:))
    }

    package func buckets() async throws(PipeError) -> [BucketRecord] {
        try Self.decode(
            try await database.query("SELECT * FROM pipe_storage_buckets ORDER BY name"), Self.bucket(from:))
    }

    package func updateBucket(
        _ name: BucketName, _ change: @escaping @Sendable (inout BucketRecord) throws(PipeError) -> Void
    ) async throws(PipeError) -> BucketRecord {
        try await write { transaction -> BucketRecord in
            guard var record = try await Self.lockedBucket(transaction, name) else { throw PipeError.noBucket(name) }
            try change(&record)
            let (settings, grants) = try Self.encode(record)
            try await transaction.query(
                """
                UPDATE pipe_storage_buckets SET settings = \(settings), owner = \(record.policy.owner?.rawValue),
                    grants = \(grants)
                WHERE name = \(name.rawValue)
                """)
            return record
        }
    }

    package func removeBucketContents(_ name: BucketName, deleteBucket: Bool, force: Bool) async throws(PipeError)
        -> [BlobID]
    {
        try await write { transaction -> [BlobID] in
            guard let record = try await Self.lockedBucket(transaction, name) else { throw PipeError.noBucket(name) }
            if deleteBucket && !force && record.usage.objects > 0 {
                throw PipeError(
                    .conflict, "bucket \(name) holds \(record.usage.objects) objects; empty it or delete with force",
                    details: ["objects": "\(record.usage.objects)"])
            }
            var blobs = try Self.blobIDs(
                try await transaction.query(
                    "DELETE FROM pipe_storage_objects WHERE bucket = \(name.rawValue) RETURNING blob"))
            try await transaction.query(
                "UPDATE pipe_storage_buckets SET bytes = 0, objects = 0 WHERE name = \(name.rawValue)")
            if deleteBucket {
                // The sessions first: deleting one waits for a part being recorded in it, whose row the part
                // deletion (a later statement, so a later snapshot) then sees.
                let sessions = try Self.decode(
                    try await transaction.query(
                        "DELETE FROM pipe_storage_uploads WHERE bucket = \(name.rawValue) RETURNING id"),
                    { row throws(PipeError) in try Self.column(row, "id", as: String.self) })
                blobs += try Self.blobIDs(
                    try await transaction.query(
                        "DELETE FROM pipe_storage_upload_parts WHERE upload = ANY(\(sessions)) RETURNING blob"))
                try await transaction.query("DELETE FROM pipe_storage_buckets WHERE name = \(name.rawValue)")
            }
            return try await Self.unreferenced(transaction, blobs)
        }
    }

    // MARK: Transactions

    /// Runs `body` in one transaction; runs it again (``attempts`` times in all) when PostgreSQL aborted it as a
    /// deadlock victim or a serialization failure, which roll everything back and are worth retrying.
    ///
    /// Every body here only reads and writes the database (and calls pure closures), so running it again is safe.
    func write<T: Sendable>(_ body: (PostgresDatabase.Transaction) async throws -> T) async throws(PipeError) -> T {
        var attempt = 1
        while true {
            do throws(PipeError) {
                return try await database.transaction(body)
            } catch {
                let state = error.code == .unavailable ? error.details["sqlstate"] : nil
                let transient = state == PostgresErrors.deadlockDetected || state == PostgresErrors.serializationFailure
                guard transient, attempt < Self.attempts else { throw error }
                attempt += 1
            }
        }
    }

    /// Locks the bucket's row until the transaction ends and reads it; `nil` when there is no such bucket.
    ///
    /// Every transaction that changes a bucket's objects or usage takes this lock first, so they take turns: usage
    /// figures are read and written back without another commit in between, and row locks on objects are only
    /// ever taken after it (one lock order, no deadlock between writers).
    static func lockedBucket(_ transaction: PostgresDatabase.Transaction, _ name: BucketName) async throws
        -> BucketRecord?
    {
        try await transaction.one("SELECT * FROM pipe_storage_buckets WHERE name = \(name.rawValue) FOR UPDATE")
            .map(bucket(from:))
    }
}

import Foundation
import NIOCore
import PipeCore
import PipeStorage
import PostgresNIO

/// Object records: reads, the conditional and quota-checked commit, deletions, listings, blob references and the
/// re-wrapping of data keys.
extension PostgresStorageMetadata {
    package func object(_ bucket: BucketName, _ key: ObjectKey) async throws(PipeError) -> ObjectRecord? {
        let rows = try await database.query(
            "SELECT * FROM pipe_storage_objects WHERE bucket = \(bucket.rawValue) AND key = \(Self.keyBytes(key))")
        return try rows.first.map { $0.makeRandomAccess() }.map(Self.object(from:))
    }

    /// One statement for both (the hot read path): the bucket's row joined with the object's, whose columns are all
    /// NULL when there is no such object. The two tables share no column name, so `b.*, o.*` names each once.
    package func bucketAndObject(_ bucket: BucketName, _ key: ObjectKey) async throws(PipeError)
        -> (bucket: BucketRecord?, object: ObjectRecord?)
    {
        let rows = try await database.query(
            """
            SELECT b.*, o.* FROM pipe_storage_buckets AS b
            LEFT JOIN pipe_storage_objects AS o ON o.bucket = \(bucket.rawValue) AND o.key = \(Self.keyBytes(key))
            WHERE b.name = \(bucket.rawValue)
            """)
        guard let row = rows.first?.makeRandomAccess() else { return (nil, nil) }
        let record = try Self.bucket(from: row)
        // `blob` is NOT NULL in the table, so a NULL here is the join finding no object.
        guard try Self.column(row, "blob", as: String?.self) != nil else { return (record, nil) }
        return (record, try Self.object(from: row))
    }

    package func commitObject(_ record: ObjectRecord, conditions: CommitConditions) async throws(PipeError)
        -> (info: ObjectInfo, freed: [BlobID])
    {
        try await write { transaction -> (info: ObjectInfo, freed: [BlobID]) in
            let bucket = try await Self.lockedBucket(transaction, record.info.bucket)
            return try await Self.commit(transaction, record, conditions, in: bucket)
        }
    }

    package func deleteObjects(_ bucket: BucketName, _ keys: [ObjectKey]) async throws(PipeError)
        -> (deleted: [ObjectKey], freed: [BlobID])
    {
        let keyBytes = keys.map(Self.keyBytes)
        return try await write { transaction -> (deleted: [ObjectKey], freed: [BlobID]) in
            guard try await Self.lockedBucket(transaction, bucket) != nil else { throw PipeError.noBucket(bucket) }
            let rows = try await transaction.query(
                """
                DELETE FROM pipe_storage_objects WHERE bucket = \(bucket.rawValue) AND key = ANY(\(keyBytes))
                RETURNING key, size, blob
                """)
            var removed = Set<[UInt8]>()
            var bytes: Int64 = 0
            var blobs: [BlobID] = []
            for row in rows.map({ $0.makeRandomAccess() }) {
                removed.insert(Array(try Self.column(row, "key", as: ByteBuffer.self).readableBytesView))
                bytes += try Self.column(row, "size", as: Int64.self)
                blobs.append(try Self.blobID(Self.column(row, "blob", as: String.self)))
            }
            // In the order asked, each key once: what the SQLite store's key-by-key deletion reports.
            let deleted = keys.filter { removed.remove(Array($0.rawValue.utf8)) != nil }
            try await transaction.query(
                """
                UPDATE pipe_storage_buckets SET bytes = bytes - \(bytes), objects = objects - \(deleted.count)
                WHERE name = \(bucket.rawValue)
                """)
            return (deleted, try await Self.unreferenced(transaction, blobs))
        }
    }

    package func deleteObject(_ bucket: BucketName, _ key: ObjectKey, ifBlob blob: BlobID) async throws(PipeError)
        -> [BlobID]?
    {
        try await write { transaction -> [BlobID]? in
            // No bucket, no object: `nil`, as the SQLite store answers for a missing object.
            guard try await Self.lockedBucket(transaction, bucket) != nil else { return nil }
            guard
                let deleted = try await transaction.one(
                    """
                    DELETE FROM pipe_storage_objects
                    WHERE bucket = \(bucket.rawValue) AND key = \(Self.keyBytes(key)) AND blob = \(blob.rawValue)
                    RETURNING size
                    """)
            else { return nil }
            let size = try Self.column(deleted, "size", as: Int64.self)
            try await transaction.query(
                """
                UPDATE pipe_storage_buckets SET bytes = bytes - \(size), objects = objects - 1
                WHERE name = \(bucket.rawValue)
                """)
            return try await Self.unreferenced(transaction, [blob])
        }
    }

    /// Keys are `BYTEA`, so `>=`, `<` and `ORDER BY` compare bytes; the prefix is a byte range (from the prefix to
    /// its successor), correct for any UTF-8 and free of `LIKE` wildcards.
    package func listObjects(_ bucket: BucketName, prefix: String, from: [UInt8], limit: Int) async throws(PipeError)
        -> [ObjectRecord]
    {
        let prefixBytes = Array(prefix.utf8)
        let lower = ByteBuffer(bytes: from.lexicographicallyPrecedes(prefixBytes) ? prefixBytes : from)
        // A negative limit means none, as in SQLite (`LIMIT NULL` is PostgreSQL's way of saying it).
        let rowLimit: Int? = limit < 0 ? nil : limit
        let rows: [PostgresRow]
        if let upper = SQLiteStorageMetadata.successor(of: prefixBytes) {
            rows = try await database.query(
                """
                SELECT * FROM pipe_storage_objects
                WHERE bucket = \(bucket.rawValue) AND key >= \(lower) AND key < \(ByteBuffer(bytes: upper))
                ORDER BY key LIMIT \(rowLimit)
                """)
        } else {
            rows = try await database.query(
                """
                SELECT * FROM pipe_storage_objects WHERE bucket = \(bucket.rawValue) AND key >= \(lower)
                ORDER BY key LIMIT \(rowLimit)
                """)
        }
        return try Self.decode(rows, Self.object(from:))
    }

    package func referencedBlobs(_ ids: [BlobID]) async throws(PipeError) -> Set<BlobID> {
        guard !ids.isEmpty else { return [] }
        let referenced = try Self.blobStrings(try await database.query(Self.referencing(ids)))
        return Set(ids.filter { referenced.contains($0.rawValue) })
    }

    package func rewrapKeys(
        activeKeyID: String, batch: Int, _ rewrap: @escaping @Sendable (WrappedKey) throws(PipeError) -> WrappedKey
    ) async throws(PipeError) -> Int {
        var total = 0
        // Objects, then parts; each batch its own transaction, until one comes back short (as in SQLite).
        for objects in [true, false] {
            while true {
                let done = try await write { transaction -> Int in
                    if objects {
                        return try await Self.rewrapObjectKeys(
                            transaction, activeKeyID: activeKeyID, batch: batch, rewrap)
                    }
                    return try await Self.rewrapPartKeys(transaction, activeKeyID: activeKeyID, batch: batch, rewrap)
                }
                total += done
                if done < batch { break }
            }
        }
        return total
    }

    // MARK: Statements shared with uploads

    /// The conditional, quota-checked write of one object row, shared by puts and completed uploads.
    ///
    /// - Parameter bucket: the bucket's row as ``lockedBucket(_:_:)`` read it in this transaction (`nil`: none), so
    ///   the usage the quotas are checked against cannot change before this commits.
    static func commit(
        _ transaction: PostgresDatabase.Transaction, _ record: ObjectRecord, _ conditions: CommitConditions,
        in bucket: BucketRecord?
    ) async throws -> (info: ObjectInfo, freed: [BlobID]) {
        var info = record.info
        guard let bucket else { throw PipeError.noBucket(info.bucket) }
        let existing = try await object(transaction, info.bucket, info.key)
        try conditions.check(existing?.info, key: info.key)
        let usage = try bucket.usage(storing: info, replacing: existing?.info)
        let (bytes, objects) = (usage.bytes, usage.objects)
        var location = record.location
        if conditions.sharesBlob {
            // The blob must still be in use, and its data key is taken as wrapped now: a key rotation that ran
            // since the source was read has re-wrapped it, and the copy must not keep the retired master key.
            // FOR SHARE makes both hold across replicas: a deletion or re-wrap of that row in flight is waited for
            // (a deleted row is then skipped, a re-wrapped one read as it is now), and the row cannot be deleted
            // until this commits, when the copy refers to the blob too and the deletion will not free it.
            guard
                let current = try await transaction.one(
                    """
                    SELECT master_key, wrapped_key FROM pipe_storage_objects WHERE blob = \(location.blob.rawValue)
                    LIMIT 1 FOR SHARE
                    """)
            else {
                throw PipeError(.conflict, "the copy's source was deleted or replaced while it was being copied")
            }
            location.wrappedKey = wrappedKey(
                try column(current, "master_key", as: String?.self),
                try column(current, "wrapped_key", as: ByteBuffer?.self))
        }
        info.createdAt = existing?.info.createdAt ?? info.createdAt
        let metadata = try encodeMetadata(info.metadata)
        let sealed = location.wrappedKey.map { ByteBuffer(bytes: $0.sealed) }
        // The whole row replaced, as SQLite's INSERT OR REPLACE does.
        try await transaction.query(
            """
            INSERT INTO pipe_storage_objects (bucket, key, size, content_type, etag, cache_control, metadata,
                created_at, updated_at, blob, stored_size, master_key, wrapped_key)
            VALUES (\(info.bucket.rawValue), \(keyBytes(info.key)), \(info.size), \(info.contentType), \(info.etag),
                \(info.cacheControl), \(metadata), \(info.createdAt.timeIntervalSince1970),
                \(info.updatedAt.timeIntervalSince1970), \(location.blob.rawValue), \(location.storedSize),
                \(location.wrappedKey?.masterKeyID), \(sealed))
            ON CONFLICT (bucket, key) DO UPDATE SET size = EXCLUDED.size, content_type = EXCLUDED.content_type,
                etag = EXCLUDED.etag, cache_control = EXCLUDED.cache_control, metadata = EXCLUDED.metadata,
                created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, blob = EXCLUDED.blob,
                stored_size = EXCLUDED.stored_size, master_key = EXCLUDED.master_key,
                wrapped_key = EXCLUDED.wrapped_key
            """)
        try await transaction.query(
            """
            UPDATE pipe_storage_buckets SET bytes = \(bytes), objects = \(objects) WHERE name = \(info.bucket.rawValue)
            """)
        guard let existing, existing.location.blob != location.blob else { return (info, []) }
        return (info, try await unreferenced(transaction, [existing.location.blob]))
    }

    static func object(_ transaction: PostgresDatabase.Transaction, _ bucket: BucketName, _ key: ObjectKey)
        async throws -> ObjectRecord?
    {
        try await transaction.one(
            "SELECT * FROM pipe_storage_objects WHERE bucket = \(bucket.rawValue) AND key = \(keyBytes(key))"
        ).map(object(from:))
    }

    /// The members of `ids` no object and no part refers to, sorted, each once.
    ///
    /// Read in the transaction that dropped the references, after it did: rows other transactions deleted but have
    /// not committed still count as references, so a blob two concurrent deletions both stop using may be freed by
    /// neither. That leaves an orphan for the sweep, never a record pointing at nothing.
    static func unreferenced(_ transaction: PostgresDatabase.Transaction, _ ids: [BlobID]) async throws -> [BlobID] {
        let unique = Set(ids)
        guard !unique.isEmpty else { return [] }
        let referenced = try blobStrings(try await transaction.query(referencing(Array(unique))))
        return unique.filter { !referenced.contains($0.rawValue) }.sorted()
    }

    /// The rows naming those of `ids` that an object or a part refers to.
    static func referencing(_ ids: [BlobID]) -> PostgresQuery {
        let raw = ids.map(\.rawValue)
        return """
            SELECT blob FROM pipe_storage_objects WHERE blob = ANY(\(raw))
            UNION SELECT blob FROM pipe_storage_upload_parts WHERE blob = ANY(\(raw))
            """
    }

    static func blobStrings(_ rows: [PostgresRow]) throws(PipeError) -> Set<String> {
        Set(try decode(rows) { row throws(PipeError) in try column(row, "blob", as: String.self) })
    }

    // MARK: Re-wrapping

    /// Re-wraps one batch of object keys. The rows are locked (`FOR UPDATE`) before they are read, so a commit
    /// replacing one meanwhile is waited for and its new key read (and skipped when already active), never
    /// overwritten with the re-wrapped key of the blob it replaced.
    static func rewrapObjectKeys(
        _ transaction: PostgresDatabase.Transaction, activeKeyID: String, batch: Int,
        _ rewrap: @Sendable (WrappedKey) throws(PipeError) -> WrappedKey
    ) async throws -> Int {
        let rows = try await transaction.query(
            """
            SELECT bucket, key, master_key, wrapped_key FROM pipe_storage_objects
            WHERE master_key IS NOT NULL AND master_key <> \(activeKeyID) LIMIT \(batch) FOR UPDATE
            """)
        guard !rows.isEmpty else { return 0 }
        var buckets: [String] = []
        var keys: [ByteBuffer] = []
        var masterKeys: [String] = []
        var sealed: [ByteBuffer] = []
        for row in rows.map({ $0.makeRandomAccess() }) {
            let new = try rewrap(try storedKey(row))
            buckets.append(try column(row, "bucket", as: String.self))
            keys.append(try column(row, "key", as: ByteBuffer.self))
            masterKeys.append(new.masterKeyID)
            sealed.append(ByteBuffer(bytes: new.sealed))
        }
        // One statement for the batch rather than one per row.
        try await transaction.query(
            """
            UPDATE pipe_storage_objects AS o SET master_key = u.master_key, wrapped_key = u.wrapped_key
            FROM unnest(\(buckets)::text[], \(keys)::bytea[], \(masterKeys)::text[], \(sealed)::bytea[])
                AS u (bucket, key, master_key, wrapped_key)
            WHERE o.bucket = u.bucket AND o.key = u.key
            """)
        return rows.count
    }

    /// Re-wraps one batch of part keys, as ``rewrapObjectKeys(_:activeKeyID:batch:_:)`` does object keys.
    static func rewrapPartKeys(
        _ transaction: PostgresDatabase.Transaction, activeKeyID: String, batch: Int,
        _ rewrap: @Sendable (WrappedKey) throws(PipeError) -> WrappedKey
    ) async throws -> Int {
        let rows = try await transaction.query(
            """
            SELECT upload, number, master_key, wrapped_key FROM pipe_storage_upload_parts
            WHERE master_key IS NOT NULL AND master_key <> \(activeKeyID) LIMIT \(batch) FOR UPDATE
            """)
        guard !rows.isEmpty else { return 0 }
        var uploads: [String] = []
        var numbers: [Int] = []
        var masterKeys: [String] = []
        var sealed: [ByteBuffer] = []
        for row in rows.map({ $0.makeRandomAccess() }) {
            let new = try rewrap(try storedKey(row))
            uploads.append(try column(row, "upload", as: String.self))
            numbers.append(try column(row, "number", as: Int.self))
            masterKeys.append(new.masterKeyID)
            sealed.append(ByteBuffer(bytes: new.sealed))
        }
        try await transaction.query(
            """
            UPDATE pipe_storage_upload_parts AS p SET master_key = u.master_key, wrapped_key = u.wrapped_key
            FROM unnest(\(uploads)::text[], \(numbers)::bigint[], \(masterKeys)::text[], \(sealed)::bytea[])
                AS u (upload, number, master_key, wrapped_key)
            WHERE p.upload = u.upload AND p.number = u.number
            """)
        return rows.count
    }

    /// The wrapped key of a row selected for re-wrapping (its master key is set).
    static func storedKey(_ row: PostgresRandomAccessRow) throws(PipeError) -> WrappedKey {
        guard
            let key = wrappedKey(
                try column(row, "master_key", as: String?.self), try column(row, "wrapped_key", as: ByteBuffer?.self))
        else {
            throw PipeError(.dataCorrupted, "a metadata row names a master key but holds no wrapped data key")
        }
        return key
    }
}

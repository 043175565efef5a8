import Foundation
import NIOCore
import PipeCore
import PipeStorage
import PostgresNIO

/// Resumable upload sessions and their parts.
///
/// Whatever changes a session's parts first locks the session's row (`FOR UPDATE`), so two replicas recording the
/// same part, or one recording a part while another deletes or completes the session, take turns: the blob a
/// replaced part frees is the one it really replaced, and no part outlives its session.
extension PostgresStorageMetadata {
    package func insertUpload(_ record: UploadRecord) async throws(PipeError) {
        let options = ByteBuffer(bytes: try SQLiteStorageMetadata.json(record.options))
        try await write { transaction -> Void in
            // FOR KEY SHARE, the weakest lock that keeps the bucket from being deleted before the session commits.
            guard
                try await transaction.one(
                    "SELECT 1 FROM pipe_storage_buckets WHERE name = \(record.bucket.rawValue) FOR KEY SHARE") != nil
            else { throw PipeError.noBucket(record.bucket) }
            try await transaction.query(
                """
                INSERT INTO pipe_storage_uploads (id, bucket, key, options, owner, created_at, expires_at)
                VALUES (\(record.id.rawValue), \(record.bucket.rawValue), \(Self.keyBytes(record.key)), \(options),
                    \(record.owner?.rawValue), \(record.createdAt.timeIntervalSince1970),
                    \(record.expiresAt.timeIntervalSince1970))
                """)
        }
    }

    package func upload(_ id: UploadID) async throws(PipeError) -> UploadRecord? {
        let rows = try await database.query("SELECT * FROM pipe_storage_uploads WHERE id = \(id.rawValue)")
        return try rows.first.map { $0.makeRandomAccess() }.map(Self.upload(from:))
    }

    package func putPart(_ part: PartRecord, of upload: UploadID) async throws(PipeError) -> [BlobID] {
        let sealed = part.location.wrappedKey.map { ByteBuffer(bytes: $0.sealed) }
        return try await write { transaction -> [BlobID] in
            guard try await Self.lockedUpload(transaction, upload) else { throw PipeError.noUpload(upload) }
            let replaced = try await transaction.query(
                """
                SELECT blob FROM pipe_storage_upload_parts WHERE upload = \(upload.rawValue) AND number = \(part.number)
                """)
            try await transaction.query(
                """
                INSERT INTO pipe_storage_upload_parts
                    (upload, number, size, sha256, blob, stored_size, master_key, wrapped_key)
                VALUES (\(upload.rawValue), \(part.number), \(part.size), \(part.sha256),
                    \(part.location.blob.rawValue), \(part.location.storedSize),
                    \(part.location.wrappedKey?.masterKeyID), \(sealed))
                ON CONFLICT (upload, number) DO UPDATE SET size = EXCLUDED.size, sha256 = EXCLUDED.sha256,
                    blob = EXCLUDED.blob, stored_size = EXCLUDED.stored_size, master_key = EXCLUDED.master_key,
                    wrapped_key = EXCLUDED.wrapped_key
                """)
            return try await Self.unreferenced(transaction, try Self.blobIDs(replaced))
        }
    }

    package func parts(of upload: UploadID) async throws(PipeError) -> [PartRecord] {
        try Self.decode(
            try await database.query(
                "SELECT * FROM pipe_storage_upload_parts WHERE upload = \(upload.rawValue) ORDER BY number"),
            Self.part(from:))
    }

    package func deleteUpload(_ id: UploadID) async throws(PipeError) -> [BlobID] {
        try await write { transaction -> [BlobID] in try await Self.deleteUpload(transaction, id) }
    }

    package func completeUpload(_ id: UploadID, object: ObjectRecord, conditions: CommitConditions)
        async throws(PipeError) -> (info: ObjectInfo, freed: [BlobID])
    {
        try await write { transaction -> (info: ObjectInfo, freed: [BlobID]) in
            // The bucket is locked before the session, the order every transaction takes them in; a missing session
            // is still reported before a missing bucket, as the SQLite store does.
            let bucket = try await Self.lockedBucket(transaction, object.info.bucket)
            guard try await Self.lockedUpload(transaction, id) else { throw PipeError.noUpload(id) }
            let (info, freed) = try await Self.commit(transaction, object, conditions, in: bucket)
            return (info, freed + (try await Self.deleteUpload(transaction, id)))
        }
    }

    package func expiredUploads(at date: Date) async throws(PipeError) -> [UploadID] {
        let rows = try await database.query(
            "SELECT id FROM pipe_storage_uploads WHERE expires_at <= \(date.timeIntervalSince1970) LIMIT 1000")
        return try Self.decode(rows) { row throws(PipeError) in try Self.column(row, "id", as: String.self) }
            .compactMap { try? UploadID($0) }
    }

    // MARK: Statements

    /// Locks the session's row until the transaction ends; `false` when there is no such session.
    static func lockedUpload(_ transaction: PostgresDatabase.Transaction, _ id: UploadID) async throws -> Bool {
        try await transaction.one("SELECT 1 FROM pipe_storage_uploads WHERE id = \(id.rawValue) FOR UPDATE") != nil
    }

    /// Deletes a session and its parts; returns the parts' blobs nothing else refers to (nothing for no session).
    ///
    /// The session's row goes first: that waits for a part being recorded in it, and the part deletion (a later
    /// statement, so a later snapshot) then sees that part too.
    static func deleteUpload(_ transaction: PostgresDatabase.Transaction, _ id: UploadID) async throws -> [BlobID] {
        try await transaction.query("DELETE FROM pipe_storage_uploads WHERE id = \(id.rawValue)")
        let parts = try await transaction.query(
            "DELETE FROM pipe_storage_upload_parts WHERE upload = \(id.rawValue) RETURNING blob")
        return try await unreferenced(transaction, try blobIDs(parts))
    }
}

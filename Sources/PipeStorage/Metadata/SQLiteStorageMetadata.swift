import Foundation
import GRDB
import PipeCore

/// The embedded metadata store: one SQLite database (through GRDB) in WAL mode with `synchronous = FULL`, so a write
/// the service acknowledged survives a crash or a power cut.
///
/// Keys are stored as BLOBs so that SQLite orders and compares them byte by byte, the order listings promise.
package final class SQLiteStorageMetadata: StorageMetadataStore {
    let database: DatabasePool
    /// One read-only connection for the point reads requests make, used synchronously only. Kept apart from the
    /// pool's readers: an asynchronous pool read gives its reader back on the Swift concurrency pool, so threads of
    /// that pool blocked waiting for a reader could wait forever; this connection is only ever held by synchronous
    /// reads, which give it back without needing any other thread.
    let pointReader: DatabaseQueue
    /// Bumped after every write, by every process using this database (the file `<database>.changes`).
    package let changeCounter: SharedChangeCounter?

    /// Opens (creating and migrating when needed) the database at `path`.
    package init(path: String) throws(PipeError) {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.label = "pipe.storage"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            database = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
            var readOnly = Configuration()
            readOnly.readonly = true
            readOnly.busyMode = .timeout(30)
            readOnly.label = "pipe.storage.point-reads"
            pointReader = try DatabaseQueue(path: path, configuration: readOnly)
        } catch {
            throw PipeError(.unavailable, "cannot open the storage database at \(path): \(error)")
        }
        changeCounter = try SharedChangeCounter(path: path + ".changes")
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("pipe_storage_v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE buckets (
                        name TEXT PRIMARY KEY,
                        settings BLOB NOT NULL,
                        owner TEXT,
                        grants BLOB NOT NULL,
                        bytes INTEGER NOT NULL DEFAULT 0,
                        objects INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE objects (
                        bucket TEXT NOT NULL,
                        key BLOB NOT NULL,
                        size INTEGER NOT NULL,
                        content_type TEXT NOT NULL,
                        etag TEXT NOT NULL,
                        cache_control TEXT,
                        metadata BLOB,
                        created_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        blob TEXT NOT NULL,
                        stored_size INTEGER NOT NULL,
                        master_key TEXT,
                        wrapped_key BLOB,
                        PRIMARY KEY (bucket, key)
                    ) WITHOUT ROWID;
                    CREATE INDEX objects_blob ON objects (blob);
                    CREATE INDEX objects_master_key ON objects (master_key) WHERE master_key IS NOT NULL;
                    CREATE TABLE uploads (
                        id TEXT PRIMARY KEY,
                        bucket TEXT NOT NULL,
                        key BLOB NOT NULL,
                        options BLOB NOT NULL,
                        owner TEXT,
                        created_at REAL NOT NULL,
                        expires_at REAL NOT NULL
                    );
                    CREATE INDEX uploads_expiry ON uploads (expires_at);
                    CREATE TABLE upload_parts (
                        upload TEXT NOT NULL,
                        number INTEGER NOT NULL,
                        size INTEGER NOT NULL,
                        sha256 TEXT NOT NULL,
                        blob TEXT NOT NULL,
                        stored_size INTEGER NOT NULL,
                        master_key TEXT,
                        wrapped_key BLOB,
                        PRIMARY KEY (upload, number)
                    ) WITHOUT ROWID;
                    CREATE INDEX upload_parts_blob ON upload_parts (blob);
                    CREATE INDEX upload_parts_master_key ON upload_parts (master_key) WHERE master_key IS NOT NULL;
                    """)
        }
        return migrator
    }

    // MARK: Buckets

    package func insertBucket(_ record: BucketRecord) async throws(PipeError) {
        let (settings, grants) = try Self.encode(record)
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM buckets WHERE name = ?", arguments: [record.bucket.name.rawValue])
                != nil
            {
                throw PipeError(.bucketExists, "a bucket named \(record.bucket.name) exists")
            }
            try db.execute(
                sql: "INSERT INTO buckets (name, settings, owner, grants) VALUES (?, ?, ?, ?)",
                arguments: [record.bucket.name.rawValue, settings, record.policy.owner?.rawValue, grants])
        }
    }

    package func bucket(_ name: BucketName) async throws(PipeError) -> BucketRecord? {
        try pointRead { db in try Self.bucket(db, name) }
    }

    package func buckets() async throws(PipeError) -> [BucketRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM buckets ORDER BY name").map(Self.bucket(from:))
        }
    }

    package func updateBucket(
        _ name: BucketName, _ change: @escaping @Sendable (inout BucketRecord) throws(PipeError) -> Void
    ) async throws(PipeError) -> BucketRecord {
        try await write { db in
            guard var record = try Self.bucket(db, name) else { throw PipeError.noBucket(name) }
            try change(&record)
            let (settings, grants) = try Self.encode(record)
            try db.execute(
                sql: "UPDATE buckets SET settings = ?, owner = ?, grants = ? WHERE name = ?",
                arguments: [settings, record.policy.owner?.rawValue, grants, name.rawValue])
            return record
        }
    }

    package func removeBucketContents(_ name: BucketName, deleteBucket: Bool, force: Bool) async throws(PipeError)
        -> [BlobID]
    {
        try await write { db in
            guard let record = try Self.bucket(db, name) else { throw PipeError.noBucket(name) }
            if deleteBucket && !force && record.usage.objects > 0 {
                throw PipeError(
                    .conflict, "bucket \(name) holds \(record.usage.objects) objects; empty it or delete with force",
                    details: ["objects": "\(record.usage.objects)"])
            }
            var blobs = try String.fetchAll(
                db, sql: "SELECT DISTINCT blob FROM objects WHERE bucket = ?", arguments: [name.rawValue])
            try db.execute(sql: "DELETE FROM objects WHERE bucket = ?", arguments: [name.rawValue])
            try db.execute(sql: "UPDATE buckets SET bytes = 0, objects = 0 WHERE name = ?", arguments: [name.rawValue])
            if deleteBucket {
                blobs += try String.fetchAll(
                    db,
                    sql: """
                        SELECT blob FROM upload_parts WHERE upload IN (SELECT id FROM uploads WHERE bucket = ?)
                        """, arguments: [name.rawValue])
                try db.execute(
                    sql: "DELETE FROM upload_parts WHERE upload IN (SELECT id FROM uploads WHERE bucket = ?)",
                    arguments: [name.rawValue])
                try db.execute(sql: "DELETE FROM uploads WHERE bucket = ?", arguments: [name.rawValue])
                try db.execute(sql: "DELETE FROM buckets WHERE name = ?", arguments: [name.rawValue])
            }
            return try Self.unreferenced(db, blobs.compactMap(BlobID.init))
        }
    }

    // MARK: Objects

    package func object(_ bucket: BucketName, _ key: ObjectKey) async throws(PipeError) -> ObjectRecord? {
        try pointRead { db in try Self.object(db, bucket, key) }
    }

    package func bucketAndObject(_ bucket: BucketName, _ key: ObjectKey) async throws(PipeError)
        -> (bucket: BucketRecord?, object: ObjectRecord?)
    {
        try pointRead { db in
            guard let record = try Self.bucket(db, bucket) else { return (nil, nil) }
            return (record, try Self.object(db, bucket, key))
        }
    }

    package func commitObject(_ record: ObjectRecord, conditions: CommitConditions) async throws(PipeError)
        -> (info: ObjectInfo, freed: [BlobID])
    {
        try await write { db in try Self.commit(db, record, conditions) }
    }

    package func deleteObjects(_ bucket: BucketName, _ keys: [ObjectKey]) async throws(PipeError)
        -> (deleted: [ObjectKey], freed: [BlobID])
    {
        try await write { db in
            guard try Self.bucket(db, bucket) != nil else { throw PipeError.noBucket(bucket) }
            var deleted: [ObjectKey] = []
            var blobs: [BlobID] = []
            var bytes: Int64 = 0
            for key in keys {
                guard let existing = try Self.object(db, bucket, key) else { continue }
                try db.execute(
                    sql: "DELETE FROM objects WHERE bucket = ? AND key = ?",
                    arguments: [bucket.rawValue, Self.keyBytes(key)])
                deleted.append(key)
                blobs.append(existing.location.blob)
                bytes += existing.info.size
            }
            try db.execute(
                sql: "UPDATE buckets SET bytes = bytes - ?, objects = objects - ? WHERE name = ?",
                arguments: [bytes, deleted.count, bucket.rawValue])
            return (deleted, try Self.unreferenced(db, blobs))
        }
    }

    package func deleteObject(_ bucket: BucketName, _ key: ObjectKey, ifBlob blob: BlobID) async throws(PipeError)
        -> [BlobID]?
    {
        try await write { db in
            guard let existing = try Self.object(db, bucket, key), existing.location.blob == blob else { return nil }
            try db.execute(
                sql: "DELETE FROM objects WHERE bucket = ? AND key = ?", arguments: [bucket.rawValue, Self.keyBytes(key)])
            try db.execute(
                sql: "UPDATE buckets SET bytes = bytes - ?, objects = objects - 1 WHERE name = ?",
                arguments: [existing.info.size, bucket.rawValue])
            return try Self.unreferenced(db, [blob])
        }
    }

    package func listObjects(_ bucket: BucketName, prefix: String, from: [UInt8], limit: Int) async throws(PipeError)
        -> [ObjectRecord]
    {
        let prefixBytes = Array(prefix.utf8)
        let lower = Data(from.lexicographicallyPrecedes(prefixBytes) ? prefixBytes : from)
        let upper = Self.successor(of: prefixBytes).map { Data($0) }
        return try await read { db in
            var sql = "SELECT * FROM objects WHERE bucket = ? AND key >= ?"
            var arguments: StatementArguments = [bucket.rawValue, lower]
            if let upper {
                sql += " AND key < ?"
                arguments += [upper]
            }
            sql += " ORDER BY key LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.object(from:))
        }
    }

    package func referencedBlobs(_ ids: [BlobID]) async throws(PipeError) -> Set<BlobID> {
        try await read { db in Set(ids).subtracting(try Self.unreferenced(db, ids)) }
    }

    package func rewrapKeys(
        activeKeyID: String, batch: Int, _ rewrap: @escaping @Sendable (WrappedKey) throws(PipeError) -> WrappedKey
    ) async throws(PipeError) -> Int {
        var total = 0
        for table in ["objects", "upload_parts"] {
            let keyColumns = table == "objects" ? "bucket, key" : "upload, number"
            while true {
                let done = try await write { db -> Int in
                    let rows = try Row.fetchAll(
                        db,
                        sql: """
                            SELECT \(keyColumns), master_key, wrapped_key FROM \(table)
                            WHERE master_key IS NOT NULL AND master_key != ? LIMIT ?
                            """, arguments: [activeKeyID, batch])
                    for row in rows {
                        let old = WrappedKey(masterKeyID: row["master_key"], sealed: [UInt8](row["wrapped_key"] as Data))
                        let new = try rewrap(old)
                        try db.execute(
                            sql: """
                                UPDATE \(table) SET master_key = ?, wrapped_key = ?
                                WHERE \(table == "objects" ? "bucket = ? AND key = ?" : "upload = ? AND number = ?")
                                """,
                            arguments: [new.masterKeyID, Data(new.sealed), row[0], row[1]])
                    }
                    return rows.count
                }
                total += done
                if done < batch { break }
            }
        }
        return total
    }

    // MARK: Uploads

    package func insertUpload(_ record: UploadRecord) async throws(PipeError) {
        let options = try Self.json(record.options)
        try await write { db in
            guard try Self.bucket(db, record.bucket) != nil else { throw PipeError.noBucket(record.bucket) }
            try db.execute(
                sql: """
                    INSERT INTO uploads (id, bucket, key, options, owner, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.id.rawValue, record.bucket.rawValue, Self.keyBytes(record.key), options,
                    record.owner?.rawValue, record.createdAt.timeIntervalSince1970,
                    record.expiresAt.timeIntervalSince1970,
                ])
        }
    }

    package func upload(_ id: UploadID) async throws(PipeError) -> UploadRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM uploads WHERE id = ?", arguments: [id.rawValue])
                .map(Self.upload(from:))
        }
    }

    package func putPart(_ part: PartRecord, of upload: UploadID) async throws(PipeError) -> [BlobID] {
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM uploads WHERE id = ?", arguments: [upload.rawValue]) != nil
            else { throw PipeError.noUpload(upload) }
            let replaced = try String.fetchOne(
                db, sql: "SELECT blob FROM upload_parts WHERE upload = ? AND number = ?",
                arguments: [upload.rawValue, part.number])
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO upload_parts
                        (upload, number, size, sha256, blob, stored_size, master_key, wrapped_key)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    upload.rawValue, part.number, part.size, part.sha256, part.location.blob.rawValue,
                    part.location.storedSize, part.location.wrappedKey?.masterKeyID,
                    part.location.wrappedKey.map { Data($0.sealed) },
                ])
            return try Self.unreferenced(db, [replaced].compactMap { $0.flatMap(BlobID.init) })
        }
    }

    package func parts(of upload: UploadID) async throws(PipeError) -> [PartRecord] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM upload_parts WHERE upload = ? ORDER BY number", arguments: [upload.rawValue]
            ).map { row in
                PartRecord(
                    number: row["number"], size: row["size"], sha256: row["sha256"], location: try Self.location(row))
            }
        }
    }

    package func deleteUpload(_ id: UploadID) async throws(PipeError) -> [BlobID] {
        try await write { db in try Self.deleteUpload(db, id) }
    }

    package func completeUpload(_ id: UploadID, object: ObjectRecord, conditions: CommitConditions)
        async throws(PipeError) -> (info: ObjectInfo, freed: [BlobID])
    {
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM uploads WHERE id = ?", arguments: [id.rawValue]) != nil
            else { throw PipeError.noUpload(id) }
            let (info, freed) = try Self.commit(db, object, conditions)
            return (info, freed + (try Self.deleteUpload(db, id)))
        }
    }

    package func expiredUploads(at date: Date) async throws(PipeError) -> [UploadID] {
        try await read { db in
            try String.fetchAll(
                db, sql: "SELECT id FROM uploads WHERE expires_at <= ? LIMIT 1000",
                arguments: [date.timeIntervalSince1970]
            ).compactMap { try? UploadID($0) }
        }
    }
}

import Foundation
import GRDB
import PipeCore
import Synchronization

/// Row mapping and the statements several methods share.
extension SQLiteStorageMetadata {
    static func keyBytes(_ key: ObjectKey) -> Data { Data(key.rawValue.utf8) }

    /// The smallest byte string greater than every string starting with `prefix`, or `nil` when there is none.
    package static func successor(of prefix: [UInt8]) -> [UInt8]? {
        var bytes = prefix
        while let last = bytes.last {
            if last < 0xFF {
                bytes[bytes.count - 1] = last + 1
                return bytes
            }
            bytes.removeLast()
        }
        return nil
    }

    package static func json(_ value: some Encodable) throws(PipeError) -> Data {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            encoder.dateEncodingStrategy = .secondsSince1970  // a Double: dates read back exactly as written
            return try encoder.encode(value)
        } catch {
            throw PipeError(.internalError, "cannot encode storage metadata: \(error)")
        }
    }

    package static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(type, from: data)
    }

    /// Bucket settings and grants decoded from their stored JSON, remembered by that JSON: every object read looks
    /// its bucket up, and decoding the same text with JSONDecoder each time was a tenth of a small read's time.
    /// Keyed by the exact stored bytes, an entry can never be stale; the cache is bounded and starts over when full.
    private static let decoded = Mutex<[DecodedSettingsKey: (Bucket, [Grant])]>([:])
    private static let maxDecoded = 1_024

    struct DecodedSettingsKey: Hashable {
        let settings: Data
        let grants: Data
    }

    package static func decodedSettings(_ settings: Data, _ grants: Data) throws -> (Bucket, [Grant]) {
        let key = DecodedSettingsKey(settings: settings, grants: grants)
        if let found = decoded.withLock({ $0[key] }) { return found }
        let value = (try decode(Bucket.self, settings), try decode([Grant].self, grants))
        decoded.withLock { cache in
            if cache.count >= maxDecoded { cache.removeAll(keepingCapacity: true) }
            cache[key] = value
        }
        return value
    }

    static func encode(_ record: BucketRecord) throws(PipeError) -> (Data, Data) {
        (try json(record.bucket), try json(record.policy.grants))
    }

    static func bucket(_ db: Database, _ name: BucketName) throws -> BucketRecord? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM buckets WHERE name = ?"), arguments: [name.rawValue]
        ).map(bucket(from:))
    }

    static func bucket(from row: Row) throws -> BucketRecord {
        let (bucket, grants) = try decodedSettings(row["settings"], row["grants"])
        let owner: String? = row["owner"]
        let policy = AccessPolicy(
            owner: try owner.map { try UserID($0) }, grants: grants, publicRead: bucket.isPublic)
        return BucketRecord(bucket: bucket, policy: policy, usage: BucketUsage(bytes: row["bytes"], objects: row["objects"]))
    }

    static func object(_ db: Database, _ bucket: BucketName, _ key: ObjectKey) throws -> ObjectRecord? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM objects WHERE bucket = ? AND key = ?"),
            arguments: [bucket.rawValue, keyBytes(key)]
        ).map(object(from:))
    }

    static func object(from row: Row) throws -> ObjectRecord {
        let metadata: Data? = row["metadata"]
        let info = ObjectInfo(
            bucket: try BucketName(row["bucket"]),
            key: try ObjectKey(String(decoding: row["key"] as Data, as: UTF8.self)),
            size: row["size"],
            contentType: row["content_type"],
            etag: row["etag"],
            cacheControl: row["cache_control"],
            metadata: try metadata.map { try decode([String: String].self, $0) } ?? [:],
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
        return ObjectRecord(info: info, location: try location(row))
    }

    static func location(_ row: Row) throws -> BlobLocation {
        guard let blob = BlobID(row["blob"]) else {
            throw PipeError(.dataCorrupted, "a metadata row names an invalid blob id")
        }
        let masterKey: String? = row["master_key"]
        let wrapped: Data? = row["wrapped_key"]
        return BlobLocation(
            blob: blob, storedSize: row["stored_size"],
            wrappedKey: masterKey.flatMap { id in wrapped.map { WrappedKey(masterKeyID: id, sealed: [UInt8]($0)) } })
    }

    static func upload(from row: Row) throws -> UploadRecord {
        let owner: String? = row["owner"]
        return UploadRecord(
            id: try UploadID(row["id"]),
            bucket: try BucketName(row["bucket"]),
            key: try ObjectKey(String(decoding: row["key"] as Data, as: UTF8.self)),
            options: try decode(PutObjectOptions.self, row["options"]),
            owner: try owner.map { try UserID($0) },
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            expiresAt: Date(timeIntervalSince1970: row["expires_at"]))
    }

    /// The conditional, quota-checked write of one object row, shared by puts and completed uploads.
    static func commit(_ db: Database, _ record: ObjectRecord, _ conditions: CommitConditions) throws
        -> (info: ObjectInfo, freed: [BlobID])
    {
        var info = record.info
        guard let bucket = try bucket(db, info.bucket) else { throw PipeError.noBucket(info.bucket) }
        let existing = try object(db, info.bucket, info.key)
        try conditions.check(existing?.info, key: info.key)
        let usage = try bucket.usage(storing: info, replacing: existing?.info)
        let (bytes, objects) = (usage.bytes, usage.objects)
        var location = record.location
        if conditions.sharesBlob {
            // The blob must still be in use, and its data key is taken as wrapped now: a key rotation that ran
            // since the source was read has re-wrapped it, and the copy must not keep the retired master key.
            guard
                let current = try Row.fetchOne(
                    db, sql: "SELECT master_key, wrapped_key FROM objects WHERE blob = ? LIMIT 1",
                    arguments: [location.blob.rawValue])
            else {
                throw PipeError(.conflict, "the copy's source was deleted or replaced while it was being copied")
            }
            let masterKey: String? = current["master_key"]
            let wrapped: Data? = current["wrapped_key"]
            location.wrappedKey = masterKey.flatMap { id in wrapped.map { WrappedKey(masterKeyID: id, sealed: [UInt8]($0)) } }
        }
        info.createdAt = existing?.info.createdAt ?? info.createdAt
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO objects (bucket, key, size, content_type, etag, cache_control, metadata,
                    created_at, updated_at, blob, stored_size, master_key, wrapped_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                info.bucket.rawValue, keyBytes(info.key), info.size, info.contentType, info.etag, info.cacheControl,
                info.metadata.isEmpty ? nil : try json(info.metadata),
                info.createdAt.timeIntervalSince1970,
                info.updatedAt.timeIntervalSince1970, location.blob.rawValue, location.storedSize,
                location.wrappedKey?.masterKeyID, location.wrappedKey.map { Data($0.sealed) },
            ])
        try db.cachedStatement(sql: "UPDATE buckets SET bytes = ?, objects = ? WHERE name = ?").execute(
            arguments: [bytes, objects, info.bucket.rawValue])
        guard let existing, existing.location.blob != location.blob else { return (info, []) }
        return (info, try unreferenced(db, [existing.location.blob]))
    }

    static func deleteUpload(_ db: Database, _ id: UploadID) throws -> [BlobID] {
        let blobs = try String.fetchAll(
            db, sql: "SELECT blob FROM upload_parts WHERE upload = ?", arguments: [id.rawValue])
        try db.execute(sql: "DELETE FROM upload_parts WHERE upload = ?", arguments: [id.rawValue])
        try db.execute(sql: "DELETE FROM uploads WHERE id = ?", arguments: [id.rawValue])
        return try unreferenced(db, blobs.compactMap(BlobID.init))
    }

    /// The members of `ids` no object and no part refers to.
    static func unreferenced(_ db: Database, _ ids: [BlobID]) throws -> [BlobID] {
        try Set(ids).filter { id in
            try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM objects WHERE blob = ?) OR EXISTS (SELECT 1 FROM upload_parts WHERE blob = ?)",
                arguments: [id.rawValue, id.rawValue]) != true
        }.sorted()
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(PipeError) -> T {
        // Around the transaction: before it, so a reader's snapshot lapses; after the commit (or the rollback, which
        // changes nothing but must balance the count), so later snapshots can be balanced again.
        changeCounter?.begin()
        defer { changeCounter?.end() }
        do {
            return try await database.write(body)
        } catch {
            throw Self.pipeError(error)
        }
    }

    /// A short point read (one or two primary-key lookups) run on the calling thread, on ``pointReader``.
    ///
    /// Such a read takes microseconds; the hop to GRDB's reader queue and back costs more than the read itself, and
    /// these lookups are on every get. Longer reads (listings, scans) go through ``read(_:)``.
    ///
    /// It runs without a transaction: the BEGIN and COMMIT of one cost more than these lookups. The bucket and the
    /// object of `bucketAndObject` are then read as of two instants microseconds apart, which is what a request
    /// arriving a moment earlier or later would see; a blob deleted in between is handled where the object is opened.
    func pointRead<T>(_ body: (Database) throws -> T) throws(PipeError) -> T {
        do {
            return try pointReader.unsafeRead(body)
        } catch {
            throw Self.pipeError(error)
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(PipeError) -> T {
        do {
            return try await database.read(body)
        } catch {
            throw Self.pipeError(error)
        }
    }

    static func pipeError(_ error: any Error) -> PipeError {
        if let error = error as? PipeError { return error }
        if error is CancellationError { return PipeError(.cancelled, "the storage operation was cancelled") }
        if let error = error as? DecodingError { return PipeError(.dataCorrupted, "unreadable storage metadata: \(error)") }
        return PipeError(.unavailable, "the storage database failed: \(error)")
    }
}

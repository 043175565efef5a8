import Foundation
import NIOCore
import PipeCore
import PipeStorage
import PostgresNIO

/// Row decoding: PostgreSQL rows read back into the records the SQLite store returns, from the same JSON.
///
/// Nothing here trusts a row: a missing column, a NULL where a value belongs or a type that does not match throws
/// `internal`; a document or a blob id that does not decode throws `data_corrupted`, as the SQLite store does.
extension PostgresStorageMetadata {
    /// The bytes a key is stored as: its UTF-8, which `BYTEA` compares byte by byte.
    static func keyBytes(_ key: ObjectKey) -> ByteBuffer { ByteBuffer(string: key.rawValue) }

    /// Bucket settings and grants as the SQLite store encodes them (sorted-key JSON, dates as seconds).
    static func encode(_ record: BucketRecord) throws(PipeError) -> (settings: ByteBuffer, grants: ByteBuffer) {
        (
            ByteBuffer(bytes: try SQLiteStorageMetadata.json(record.bucket)),
            ByteBuffer(bytes: try SQLiteStorageMetadata.json(record.policy.grants))
        )
    }

    /// User metadata as the SQLite store encodes it: `nil` (SQL NULL) when there is none.
    static func encodeMetadata(_ metadata: [String: String]) throws(PipeError) -> ByteBuffer? {
        guard !metadata.isEmpty else { return nil }
        return ByteBuffer(bytes: try SQLiteStorageMetadata.json(metadata))
    }

    // MARK: Columns

    /// The value of `name` in `row` (a `T?` reads NULL as `nil`).
    static func column<T: PostgresDecodable>(_ row: PostgresRandomAccessRow, _ name: String, as _: T.Type = T.self)
        throws(PipeError) -> T
    {
        // The subscript traps on an unknown column; a row of an unexpected shape must throw instead.
        guard row.contains(name) else {
            throw PipeError(.internalError, "a storage metadata row has no column \(name)")
        }
        do {
            return try row[name].decode(T.self)
        } catch {
            throw PipeError(.internalError, "the storage metadata column \(name) is unreadable: \(error)")
        }
    }

    /// Every row of `rows` decoded by `transform`, in order.
    static func decode<T>(_ rows: [PostgresRow], _ transform: (PostgresRandomAccessRow) throws(PipeError) -> T)
        throws(PipeError) -> [T]
    {
        var values: [T] = []
        values.reserveCapacity(rows.count)
        for row in rows { values.append(try transform(row.makeRandomAccess())) }
        return values
    }

    /// A stored JSON document, decoded as the SQLite store decodes it.
    static func json<T: Decodable>(_ type: T.Type, _ bytes: ByteBuffer) throws(PipeError) -> T {
        do {
            return try SQLiteStorageMetadata.decode(type, Data(bytes.readableBytesView))
        } catch {
            throw corrupted(error)
        }
    }

    /// A decoding failure as the SQLite store reports it (`data_corrupted`); a `PipeError` is kept as it is.
    static func corrupted(_ error: any Error) -> PipeError {
        if let error = error as? PipeError { return error }
        return PipeError(.dataCorrupted, "unreadable storage metadata: \(error)")
    }

    static func objectKey(_ bytes: ByteBuffer) throws(PipeError) -> ObjectKey {
        try ObjectKey(String(decoding: bytes.readableBytesView, as: UTF8.self))
    }

    static func blobID(_ raw: String) throws(PipeError) -> BlobID {
        guard let blob = BlobID(raw) else {
            throw PipeError(.dataCorrupted, "a metadata row names an invalid blob id")
        }
        return blob
    }

    /// The valid blob ids in the `blob` column of `rows`; others are skipped, as the SQLite store skips them when it
    /// collects the blobs a deletion may free.
    static func blobIDs(_ rows: [PostgresRow]) throws(PipeError) -> [BlobID] {
        try decode(rows) { row throws(PipeError) in try column(row, "blob", as: String.self) }.compactMap(BlobID.init)
    }

    /// A wrapped data key from its two columns; `nil` unless both are set (a plaintext blob).
    static func wrappedKey(_ masterKey: String?, _ sealed: ByteBuffer?) -> WrappedKey? {
        guard let masterKey, let sealed else { return nil }
        return WrappedKey(masterKeyID: masterKey, sealed: Array(sealed.readableBytesView))
    }

    // MARK: Records

    static func bucket(from row: PostgresRandomAccessRow) throws(PipeError) -> BucketRecord {
        let settings = try column(row, "settings", as: ByteBuffer.self)
        let grants = try column(row, "grants", as: ByteBuffer.self)
        let decoded: (Bucket, [Grant])
        do {
            // The SQLite store's cache of decoded settings: keyed by the exact bytes, shared safely by both stores.
            decoded = try SQLiteStorageMetadata.decodedSettings(
                Data(settings.readableBytesView), Data(grants.readableBytesView))
        } catch {
            throw corrupted(error)
        }
        let (bucket, grantList) = decoded
        let owner = try column(row, "owner", as: String?.self).map { raw throws(PipeError) in try UserID(raw) }
        let policy = AccessPolicy(owner: owner, grants: grantList, publicRead: bucket.isPublic)
        let usage = BucketUsage(
            bytes: try column(row, "bytes", as: Int64.self), objects: try column(row, "objects", as: Int64.self))
        return BucketRecord(bucket: bucket, policy: policy, usage: usage)
    }

    static func object(from row: PostgresRandomAccessRow) throws(PipeError) -> ObjectRecord {
        let metadata = try column(row, "metadata", as: ByteBuffer?.self).map { bytes throws(PipeError) in
            try json([String: String].self, bytes)
        }
        let info = ObjectInfo(
            bucket: try BucketName(column(row, "bucket", as: String.self)),
            key: try objectKey(column(row, "key", as: ByteBuffer.self)),
            size: try column(row, "size", as: Int64.self),
            contentType: try column(row, "content_type", as: String.self),
            etag: try column(row, "etag", as: String.self),
            cacheControl: try column(row, "cache_control", as: String?.self),
            metadata: metadata ?? [:],
            createdAt: Date(timeIntervalSince1970: try column(row, "created_at", as: Double.self)),
            updatedAt: Date(timeIntervalSince1970: try column(row, "updated_at", as: Double.self)))
        return ObjectRecord(info: info, location: try location(row))
    }

    /// Where an object's or a part's bytes are (the columns both tables share).
    static func location(_ row: PostgresRandomAccessRow) throws(PipeError) -> BlobLocation {
        BlobLocation(
            blob: try blobID(column(row, "blob", as: String.self)),
            storedSize: try column(row, "stored_size", as: Int64.self),
            wrappedKey: wrappedKey(
                try column(row, "master_key", as: String?.self), try column(row, "wrapped_key", as: ByteBuffer?.self)))
    }

    static func upload(from row: PostgresRandomAccessRow) throws(PipeError) -> UploadRecord {
        let owner = try column(row, "owner", as: String?.self).map { raw throws(PipeError) in try UserID(raw) }
        return UploadRecord(
            id: try UploadID(column(row, "id", as: String.self)),
            bucket: try BucketName(column(row, "bucket", as: String.self)),
            key: try objectKey(column(row, "key", as: ByteBuffer.self)),
            options: try json(PutObjectOptions.self, column(row, "options", as: ByteBuffer.self)),
            owner: owner,
            createdAt: Date(timeIntervalSince1970: try column(row, "created_at", as: Double.self)),
            expiresAt: Date(timeIntervalSince1970: try column(row, "expires_at", as: Double.self)))
    }

    static func part(from row: PostgresRandomAccessRow) throws(PipeError) -> PartRecord {
        PartRecord(
            number: try column(row, "number", as: Int.self),
            size: try column(row, "size", as: Int64.self),
            sha256: try column(row, "sha256", as: String.self),
            location: try location(row))
    }
}

import PipeCore

extension StorageService {
    /// Lists objects whose keys start with `prefix`, in ascending byte order; needs `read` on the prefix.
    ///
    /// With a `delimiter` (usually `/`), keys that hold it after the prefix are rolled up into
    /// ``ObjectListing/commonPrefixes`` — the sub-folders — each listed once however many keys it holds. Objects and
    /// common prefixes together count against `limit`. The order is stable: objects written while a listing pages
    /// through appear on a later page if their key sorts after the cursor, never twice.
    ///
    /// - Parameters:
    ///   - bucket: the bucket to list.
    ///   - prefix: only keys that start with it (byte-wise); `""` lists everything.
    ///   - delimiter: rolls keys up into folders at its first occurrence after the prefix; `nil` for none.
    ///   - limit: 1 to ``StorageConfiguration/maxListLimit`` items per page.
    ///   - cursor: `nil` for the first page, then the previous page's ``ObjectListing/nextCursor``.
    ///   - principal: the caller, who needs `read` on the prefix.
    /// - Throws: `bucket_not_found`, `forbidden`, `invalid_argument`
    ///   (bad limit, delimiter or cursor).
    public func listObjects(
        in bucket: BucketName, prefix: String = "", delimiter: String? = nil, limit: Int = 1000,
        cursor: String? = nil, as principal: Principal?
    ) async throws(PipeError) -> ObjectListing {
        let record = try await visibleBucket(bucket, to: principal)
        try authorize(principal, .read, on: .objects(bucket, prefix: prefix), in: record)
        guard (1...configuration.maxListLimit).contains(limit) else {
            throw PipeError(.invalidArgument, "limit must be 1–\(configuration.maxListLimit) (is \(limit))")
        }
        guard prefix.utf8.count <= 1024, !prefix.utf8.contains(0) else {
            throw PipeError(.invalidArgument, "a prefix is at most 1024 bytes without NUL")
        }
        let delimiter = delimiter ?? ""
        guard delimiter.utf8.count <= 16, !delimiter.utf8.contains(0) else {
            throw PipeError(.invalidArgument, "a delimiter is at most 16 bytes without NUL")
        }
        var position =
            try cursor.map { text throws(PipeError) in
                try ListCursor(decoding: text, bucket: bucket, prefix: prefix, delimiter: delimiter).position
            } ?? Array(prefix.utf8)
        var listing = ObjectListing()
        let prefixLength = prefix.utf8.count
        var exhausted = false
        scan: while listing.objects.count + listing.commonPrefixes.count < limit {
            let wanted = limit - listing.objects.count - listing.commonPrefixes.count
            let batch = try await metadata.listObjects(bucket, prefix: prefix, from: position, limit: wanted)
            if batch.isEmpty {
                exhausted = true
                break
            }
            for object in batch {
                let key = Array(object.info.key.rawValue.utf8)
                if !delimiter.isEmpty, let end = Self.end(of: Array(delimiter.utf8), in: key, after: prefixLength) {
                    let common = Array(key[..<end])
                    listing.commonPrefixes.append(String(decoding: common, as: UTF8.self))
                    // Skip every key under this folder: resume at the first byte string after all of them.
                    guard let next = SQLiteStorageMetadata.successor(of: common) else {
                        exhausted = true
                        break scan
                    }
                    position = next
                    continue scan
                }
                listing.objects.append(object.info)
                position = key + [0]  // the smallest byte string after this key (keys hold no NUL)
                if listing.objects.count + listing.commonPrefixes.count == limit { break scan }
            }
            if batch.count < wanted {
                exhausted = true
                break
            }
        }
        if !exhausted,
            try await !metadata.listObjects(bucket, prefix: prefix, from: position, limit: 1).isEmpty
        {
            listing.nextCursor = ListCursor(bucket: bucket, prefix: prefix, delimiter: delimiter, position: position)
                .encoded()
        }
        metrics.count(.list)
        return listing
    }

    /// The index just past the first `delimiter` in `key` at or after `start`, if any.
    static func end(of delimiter: [UInt8], in key: [UInt8], after start: Int) -> Int? {
        guard key.count >= start + delimiter.count else { return nil }
        var index = start
        while index + delimiter.count <= key.count {
            if key[index] == delimiter[0] && key[index..<(index + delimiter.count)].elementsEqual(delimiter) {
                return index + delimiter.count
            }
            index += 1
        }
        return nil
    }
}

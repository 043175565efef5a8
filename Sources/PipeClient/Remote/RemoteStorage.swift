import Foundation
import PipeCore

/// ``ObjectStorage`` over a deployment's `/v1/storage` routes.
///
/// An object read with ``getObject(in:at:)`` or ``headObject(in:at:)`` describes itself through the response
/// headers, which carry no creation time or user metadata: there `createdAt` is the modification time, `metadata` is
/// empty and `cacheControl` is the policy the object is served with. Listings carry the whole record.
struct RemoteStorage: ObjectStorage {
    let transport: RemoteTransport
    /// Local copies of small objects, validated on every read (see ``RemoteObjectCache``).
    var cache: RemoteObjectCache? = nil

    static func bucketPath(_ name: BucketName) -> String {
        "/v1/storage/buckets/" + RemoteTransport.encode(name.rawValue)
    }

    static func objectPath(_ bucket: BucketName, _ key: ObjectKey) -> String {
        bucketPath(bucket) + "/objects/" + RemoteTransport.encode(key.rawValue, slashes: true)
    }

    func createBucket(_ name: BucketName, options: BucketOptions) async throws(PipeError) -> Bucket {
        let body = JSONValue.object(JSONObject([("name", .string(name.rawValue))] + WireFormat.options(options)))
        return try WireFormat.bucket(try await transport.json(.init(.post, "/v1/storage/buckets", json: body)))
    }

    func getBucket(_ name: BucketName) async throws(PipeError) -> Bucket {
        try WireFormat.bucket(try await transport.json(.init(.get, Self.bucketPath(name))))
    }

    func listBuckets() async throws(PipeError) -> [Bucket] {
        var buckets: [Bucket] = []
        var cursor: String? = nil
        repeat {
            let path = "/v1/storage/buckets" + RemoteTransport.query([("limit", "1000"), ("cursor", cursor)])
            let page = try WireFormat.page(try await transport.json(.init(.get, path)), "buckets", WireFormat.bucket)
            buckets += page.items
            cursor = page.nextCursor
        } while cursor != nil
        return buckets
    }

    func deleteBucket(_ name: BucketName) async throws(PipeError) {
        _ = try await transport.send(.init(.delete, Self.bucketPath(name)))
    }

    func putObject(_ bytes: [UInt8], in bucket: BucketName, at key: ObjectKey, options: PutObjectOptions)
        async throws(PipeError) -> ObjectInfo
    {
        var call = try Self.putCall(bucket, key, options, bodyRepeatable: true)
        call.body = bytes
        defer { cache?.remove(bucket, key) }  // written or maybe written: the copy is no longer worth its memory
        return try WireFormat.objectInfo(try await transport.json(call))
    }

    /// The `PUT` of an object with `options` (its body is the caller's to set). It is retried only when repeating
    /// it is harmless: an upsert without conditions, whose body can be sent again.
    static func putCall(_ bucket: BucketName, _ key: ObjectKey, _ options: PutObjectOptions, bodyRepeatable: Bool)
        throws(PipeError) -> RemoteTransport.Call
    {
        guard options.metadata.isEmpty else {
            throw PipeError(.invalidArgument, "object metadata cannot be set over HTTP yet", details: ["field": "metadata"])
        }
        var call = RemoteTransport.Call(
            .put, objectPath(bucket, key) + RemoteTransport.query([("upsert", options.upsert ? "true" : nil)]))
        // Without a type the server picks one from the key's extension, as in-process storage does.
        if let contentType = options.contentType { call.headers.add(name: "Content-Type", value: contentType) }
        if let cacheControl = options.cacheControl { call.headers.add(name: "Cache-Control", value: cacheControl) }
        if let ifMatch = options.ifMatch { call.headers.add(name: "If-Match", value: "\"\(ifMatch)\"") }
        if let ifNoneMatch = options.ifNoneMatch { call.headers.add(name: "If-None-Match", value: ifNoneMatch) }
        // Without upsert or with a condition, a repeat after a lost answer would fail against the first write.
        call.retryable = bodyRepeatable && options.upsert && options.ifMatch == nil && options.ifNoneMatch == nil
        return call
    }

    func getObject(in bucket: BucketName, at key: ObjectKey) async throws(PipeError) -> StoredObject {
        var call = RemoteTransport.Call(.get, Self.objectPath(bucket, key))
        let cached = cache?.object(bucket, key)
        if let cached { call.headers.add(name: "If-None-Match", value: "\"\(cached.info.etag)\"") }
        let response: HTTPResponse
        do {
            response = try await transport.send(call)
        } catch {
            if [.objectNotFound, .bucketNotFound, .forbidden].contains(error.code) { cache?.remove(bucket, key) }
            throw error
        }
        if response.status == 304, let cached {
            cache?.recordHit()
            return cached
        }
        let object = StoredObject(
            info: try Self.info(bucket, key, response, size: Int64(response.body.count)), bytes: response.body)
        cache?.store(object, cacheControl: response.headers["Cache-Control"])
        return object
    }

    func headObject(in bucket: BucketName, at key: ObjectKey) async throws(PipeError) -> ObjectInfo {
        let response = try await transport.send(.init(.head, Self.objectPath(bucket, key)))
        guard let size = response.headers["Content-Length"].flatMap({ Int64($0) }) else {
            throw WireFormat.malformed("object head")
        }
        return try Self.info(bucket, key, response, size: size)
    }

    func listObjects(in bucket: BucketName, prefix: String, limit: Int, cursor: String?) async throws(PipeError)
        -> Page<ObjectInfo>
    {
        let path =
            Self.bucketPath(bucket) + "/objects"
            + RemoteTransport.query([("prefix", prefix.isEmpty ? nil : prefix), ("limit", String(limit)), ("cursor", cursor)])
        return try WireFormat.page(try await transport.json(.init(.get, path)), "objects", WireFormat.objectInfo)
    }

    func deleteObject(in bucket: BucketName, at key: ObjectKey) async throws(PipeError) {
        defer { cache?.remove(bucket, key) }
        _ = try await transport.send(.init(.delete, Self.objectPath(bucket, key)))
    }

    static func unquoted(_ etag: String) -> String {
        guard etag.utf8.count >= 2, etag.utf8.first == UInt8(ascii: "\""), etag.utf8.last == UInt8(ascii: "\"") else {
            return etag
        }
        return String(Substring(etag.utf8.dropFirst().dropLast()))
    }

    /// An object's record from the headers of its GET or HEAD (see the type's discussion).
    static func info(_ bucket: BucketName, _ key: ObjectKey, _ response: HTTPResponse, size: Int64) throws(PipeError)
        -> ObjectInfo
    {
        guard let etag = response.headers["ETag"], let modified = response.headers["Last-Modified"].flatMap(HTTPDate.parse)
        else { throw WireFormat.malformed("object response") }
        return ObjectInfo(
            bucket: bucket, key: key, size: size, contentType: response.headers["Content-Type"] ?? "application/octet-stream",
            etag: Self.unquoted(etag), cacheControl: response.headers["Cache-Control"],
            createdAt: modified, updatedAt: modified)
    }
}

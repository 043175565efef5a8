import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PipeCore
import PipeStorage

/// `/v1/storage/buckets/:bucket/objects…`: streaming uploads and downloads, ranges, conditional requests and the
/// caching headers, listing, and deletion. Bodies stream in both directions; nothing holds a whole object.
struct ObjectRoutes {
    /// A request body as the chunks storage reads.
    typealias RequestBodyChunks = AsyncMapSequence<RequestBody, [UInt8]>

    let storage: StorageService

    func add(to router: Router<PipeRequestContext>) {
        let group = router.group("v1/storage/buckets/:bucket/objects")
        group.get { request, context in try await list(request, context) }
        group.put("**") { request, context in try await put(request, context) }
        group.get("**") { request, context in try await get(request, context, head: false) }
        group.head("**") { request, context in try await get(request, context, head: true) }
        group.delete("**") { request, context in try await delete(request, context) }
    }

    /// The object key: everything after `/objects/` in the raw path, percent-decoded, then validated.
    static func key(_ request: Request) throws(PipeError) -> ObjectKey {
        try key(request, after: "/objects/")
    }

    /// The object key: everything after the first `marker` in the raw path, percent-decoded, then validated.
    static func key(_ request: Request, after marker: String) throws(PipeError) -> ObjectKey {
        let path = request.uri.path
        guard let found = path.range(of: marker) else { throw PipeError(.invalidArgument, "no object key in the path") }
        let raw = String(path[found.upperBound...])
        guard let decoded = raw.removingPercentEncoding else {
            throw PipeError(.invalidIdentifier, "the object key is not valid percent-encoding")
        }
        return try ObjectKey(decoded)
    }

    func list(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let query = request.uri.queryParameters
        var limit = 1000
        if let text = query.get("limit") {
            guard let value = Int(text) else { throw PipeError(.invalidArgument, "limit must be a number") }
            limit = value
        }
        let listing = try await storage.listObjects(
            in: try context.bucket(), prefix: query.get("prefix") ?? "", delimiter: query.get("delimiter"), limit: limit,
            cursor: query.get("cursor"), as: context.principal)
        var members: [(String, JSONValue)] = [
            ("objects", .array(listing.objects.map(Self.json))),
            ("commonPrefixes", .array(listing.commonPrefixes.map { .string($0) })),
        ]
        if let cursor = listing.nextCursor { members.append(("nextCursor", .string(cursor))) }
        return JSONResponse.make(.object(JSONObject(members)))
    }

    func put(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        let bucket = try context.bucket()
        let key = try Self.key(request)
        return try await Self.store(request) { chunks, options throws(PipeError) in
            try await storage.putObject(streaming: chunks, in: bucket, at: key, options: options, as: principal)
        }
    }

    /// Streams the request body into an object through `put`, with the options the request's headers and query
    /// give; answers 201 with the object's record and `ETag`.
    ///
    /// `allowUpsert` is off for signed uploads: the signature does not cover the query's `upsert`, so a link holder
    /// must not be able to turn "create this object" into "overwrite it".
    static func store(
        _ request: Request, allowUpsert: Bool = true,
        _ put: (RequestBodyChunks, PutObjectOptions) async throws(PipeError) -> ObjectInfo
    ) async throws(PipeError) -> Response {
        let upsert = try request.flag("upsert")
        if upsert && !allowUpsert {
            throw PipeError(.invalidArgument, "a signed upload cannot overwrite an object", details: ["field": "upsert"])
        }
        let options = PutObjectOptions(
            contentType: request.headers[.contentType], cacheControl: request.headers[.cacheControl], upsert: upsert,
            ifMatch: request.headers[.ifMatch].map(Self.unquoted), ifNoneMatch: request.headers[.ifNoneMatch])
        let info = try await put(request.body.map { Array($0.readableBytesView) }, options)
        var response = JSONResponse.make(Self.json(info), status: 201)
        response.headers[.eTag] = Self.quoted(info.etag)
        return response
    }

    func get(_ request: Request, _ context: PipeRequestContext, head: Bool) async throws(PipeError) -> Response {
        let bucket = try context.bucket()
        let key = try Self.key(request)
        return try await Self.serve(request, head: head) { range, conditions throws(PipeError) in
            try await storage.openObject(in: bucket, at: key, range: range, conditions: conditions, as: context.principal)
        }
    }

    /// Answers a GET or HEAD of an object opened through `open`: the bytes (or a range) streamed, with the
    /// validators and caching headers; `304 Not Modified` when the request's conditions say the client's copy is
    /// current.
    static func serve(
        _ request: Request, head: Bool,
        _ open: (ByteRange?, ReadConditions) async throws(PipeError) -> ObjectDownload
    ) async throws(PipeError) -> Response {
        let conditions = ReadConditions(
            ifNoneMatch: request.headers[.ifNoneMatch].map(Self.unquotedList),
            ifModifiedSince: request.headers[.ifModifiedSince].flatMap(HTTPDate.parse),
            ifMatch: request.headers[.ifMatch].map(Self.unquoted))
        let range = try request.headers[.range].map { header throws(PipeError) in try ByteRange(header: header) }
        do {
            // HEAD opens the object too: the body is read lazily, so nothing is read for it.
            let download = try await open(head ? nil : range, conditions)
            let body: ResponseBody
            if head {
                body = ResponseBody()
            } else if let bytes = download.bytesInMemory {
                body = ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
            } else {
                body = ResponseBody(asyncSequence: download.chunks.map { ByteBuffer(bytes: $0) })
            }
            var response = Response(status: range == nil || head ? .ok : .partialContent, body: body)
            Self.describe(download, in: &response.headers)
            response.headers[.contentLength] = String(download.range.count)
            if range != nil && !head {
                response.headers[.contentRange] =
                    "bytes \(download.range.lowerBound)-\(download.range.upperBound - 1)/\(download.info.size)"
            }
            return response
        } catch where error.code == .notModified {
            // 304 carries the validators and caching headers, never a body.
            let download = try await open(nil, ReadConditions())
            var response = Response(status: .notModified)
            Self.describe(download, in: &response.headers)
            return response
        }
    }

    func delete(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        try await storage.deleteObject(in: try context.bucket(), at: try Self.key(request), as: try context.requirePrincipal())
        return JSONResponse.noContent()
    }

    /// The headers HTTP caches and clients need: type, validators, and the `Cache-Control` storage decided
    /// (`private` for objects of buckets that are not public, so shared caches never keep them).
    static func describe(_ download: ObjectDownload, in headers: inout HTTPFields) {
        headers[.contentType] = download.info.contentType
        headers[.eTag] = quoted(download.info.etag)
        headers[.lastModified] = HTTPDate.format(download.info.updatedAt)
        headers[.acceptRanges] = "bytes"
        headers[.cacheControl] = download.cacheControl
    }

    static func quoted(_ etag: String) -> String { "\"" + etag + "\"" }

    static func unquoted(_ etag: String) -> String {
        var text = etag.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("W/") { text.removeFirst(2) }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
        return text
    }

    static func unquotedList(_ header: String) -> String {
        header.split(separator: ",").map { unquoted(String($0)) }.joined(separator: ",")
    }

    static func json(_ info: ObjectInfo) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("bucket", .string(info.bucket.rawValue)), ("key", .string(info.key.rawValue)), ("size", .number(.int(info.size))),
            ("contentType", .string(info.contentType)), ("etag", .string(info.etag)),
            ("createdAt", .string(AuthRoutes.timestamp(info.createdAt))), ("updatedAt", .string(AuthRoutes.timestamp(info.updatedAt))),
        ]
        if let cache = info.cacheControl { members.append(("cacheControl", .string(cache))) }
        if !info.metadata.isEmpty {
            members.append(("metadata", .object(JSONObject(info.metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))))
        }
        return .object(JSONObject(members))
    }
}

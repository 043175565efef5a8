import Foundation
import Hummingbird
import PipeCore
import PipeStorage

/// `/v1/storage/buckets…`: list, create, read, update and delete buckets. Every call acts as the caller; the
/// storage service decides (buckets the caller may not see do not exist for it).
struct BucketRoutes {
    let storage: StorageService
    let configuration: ServerConfiguration

    static let optionFields: Set<String> = [
        "public", "fileSizeLimit", "allowedContentTypes", "defaultCacheControl", "encryptedAtRest", "maxBytes", "maxObjects",
    ]

    func add(to router: Router<PipeRequestContext>) {
        let group = router.group("v1/storage/buckets")
        group.get { _, context in try await list(context) }
        group.post { request, context in try await create(request, context) }
        group.get(":bucket") { _, context in try await get(context) }
        group.patch(":bucket") { request, context in try await update(request, context) }
        group.delete(":bucket") { request, context in try await delete(request, context) }
    }

    func list(_ context: PipeRequestContext) async throws(PipeError) -> Response {
        let buckets = try await storage.listBuckets(as: try context.requirePrincipal())
        return JSONResponse.make(["buckets": .array(buckets.map(Self.json))])
    }

    func create(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        let body = try await request.jsonObject(limit: configuration.maxJSONBodyBytes)
        try body.onlyFields(Self.optionFields.union(["name"]))
        let name = try BucketName(try body.requiredString("name"))
        let bucket = try await storage.createBucket(name, options: try Self.options(body), as: principal)
        return JSONResponse.make(Self.json(bucket), status: 201)
    }

    func get(_ context: PipeRequestContext) async throws(PipeError) -> Response {
        JSONResponse.make(Self.json(try await storage.getBucket(try context.bucket(), as: context.principal)))
    }

    func update(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        let name = try context.bucket()
        let body = try await request.jsonObject(limit: configuration.maxJSONBodyBytes)
        try body.onlyFields(Self.optionFields)
        var options = try await storage.getBucket(name, as: principal).options
        options = try Self.options(body, over: options)
        return JSONResponse.make(Self.json(try await storage.updateBucket(name, options: options, as: principal)))
    }

    func delete(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let force = try request.flag("force")
        try await storage.deleteBucket(try context.bucket(), force: force, as: try context.requirePrincipal())
        return JSONResponse.noContent()
    }

    /// Options from a request body, each field optional, over `base`.
    static func options(_ body: JSONObject, over base: BucketOptions = BucketOptions()) throws(PipeError) -> BucketOptions {
        var options = base
        func int64(_ key: String) throws(PipeError) -> Int64?? {
            guard let value = body[key] else { return .none }
            if value.isNull { return .some(nil) }
            guard let number = value.intValue, number >= 0 else {
                throw PipeError(.invalidArgument, "\(key) must be a non-negative integer or null", details: ["field": key])
            }
            return .some(Int64(number))
        }
        if let flag = body["public"] {
            guard let value = flag.boolValue else { throw PipeError(.invalidArgument, "public must be true or false", details: ["field": "public"]) }
            options.isPublic = value
        }
        if let flag = body["encryptedAtRest"] {
            guard let value = flag.boolValue else {
                throw PipeError(.invalidArgument, "encryptedAtRest must be true or false", details: ["field": "encryptedAtRest"])
            }
            options.encryptedAtRest = value
        }
        if let value = try int64("fileSizeLimit") { options.fileSizeLimit = value }
        if let value = try int64("maxBytes") { options.maxBytes = value }
        if let value = try int64("maxObjects") { options.maxObjects = value }
        if let types = try body.strings("allowedContentTypes") { options.allowedContentTypes = types }
        if body["defaultCacheControl"] != nil { options.defaultCacheControl = try body.string("defaultCacheControl", required: false) }
        return options
    }

    static func json(_ bucket: Bucket) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("name", .string(bucket.name.rawValue)), ("public", .bool(bucket.isPublic)),
            ("allowedContentTypes", .array(bucket.allowedContentTypes.map { .string($0) })),
            ("encryptedAtRest", .bool(bucket.encryptedAtRest)),
            ("createdAt", .string(AuthRoutes.timestamp(bucket.createdAt))), ("updatedAt", .string(AuthRoutes.timestamp(bucket.updatedAt))),
        ]
        if let limit = bucket.fileSizeLimit { members.append(("fileSizeLimit", .number(.int(limit)))) }
        if let cache = bucket.defaultCacheControl { members.append(("defaultCacheControl", .string(cache))) }
        if let bytes = bucket.maxBytes { members.append(("maxBytes", .number(.int(bytes)))) }
        if let objects = bucket.maxObjects { members.append(("maxObjects", .number(.int(objects)))) }
        return .object(JSONObject(members))
    }
}

extension PipeRequestContext {
    /// The `:bucket` path parameter, validated.
    func bucket() throws(PipeError) -> BucketName {
        try BucketName(parameters.get("bucket") ?? "")
    }
}

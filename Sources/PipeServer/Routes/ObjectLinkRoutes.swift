import Foundation
import HTTPTypes
import Hummingbird
import PipeCore
import PipeStorage

/// Objects reached without credentials: signed URLs (`/v1/storage/signed/…`, minted by
/// `POST /v1/storage/buckets/:bucket/signed-urls`) and objects of public buckets (`/v1/storage/public/…`).
///
/// The signature or the bucket's public flag is the whole authorization: these routes never act as the caller, so a
/// link behaves the same whoever follows it.
struct ObjectLinkRoutes {
    let storage: StorageService
    let configuration: ServerConfiguration

    func add(to router: Router<PipeRequestContext>) {
        router.post("v1/storage/buckets/:bucket/signed-urls") { request, context in try await sign(request, context) }
        let signed = router.group("v1/storage/signed/:bucket")
        signed.get("**") { request, context in try await signedGet(request, context, head: false) }
        signed.head("**") { request, context in try await signedGet(request, context, head: true) }
        signed.put("**") { request, context in try await signedPut(request, context) }
        let open = router.group("v1/storage/public/:bucket")
        open.get("**") { request, context in try await publicGet(request, context, head: false) }
        open.head("**") { request, context in try await publicGet(request, context, head: true) }
    }

    /// Mints a signed URL for GET or PUT of one object; the signer needs the right it hands out.
    func sign(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        let body = try await request.jsonObject(limit: configuration.maxJSONBodyBytes)
        try body.onlyFields(["key", "method", "expiresIn", "contentType"])
        let key = try ObjectKey(try body.requiredString("key"))
        let methodName = try body.requiredString("method")
        guard let method = HTTPMethod(methodName), method == .get || method == .put else {
            throw PipeError(.invalidArgument, "method must be GET or PUT", details: ["field": "method"])
        }
        let maxSeconds = Int(StorageService.maxSignedURLLifetime.components.seconds)
        guard let seconds = try body.int("expiresIn", in: 1...maxSeconds) else {
            throw PipeError(.invalidArgument, "expiresIn is required", details: ["field": "expiresIn"])
        }
        let link = try await storage.signURL(
            method, in: try context.bucket(), at: key, expiresIn: .seconds(seconds),
            contentType: try body.string("contentType", required: false), as: principal)
        return JSONResponse.make(
            [
                "url": .string(link.url(base: configuration.baseURL)), "path": .string(link.path + "?" + link.query),
                "method": .string(link.method.rawValue), "expiresAt": .string(AuthRoutes.timestamp(link.expiresAt)),
            ], status: 201)
    }

    func signedGet(_ request: Request, _ context: PipeRequestContext, head: Bool) async throws(PipeError) -> Response {
        let access = try await verify(request, context, method: head ? .head : .get)
        return try await ObjectRoutes.serve(request, head: head) { range, conditions throws(PipeError) in
            try await storage.openObject(signed: access, range: range, conditions: conditions)
        }
    }

    func signedPut(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let access = try await verify(request, context, method: .put)
        return try await ObjectRoutes.store(request, allowUpsert: false) { chunks, options throws(PipeError) in
            try await storage.putObject(streaming: chunks, signed: access, options: options)
        }
    }

    /// Objects of public buckets, for anyone: read as no one, so only the bucket's public flag can allow it.
    func publicGet(_ request: Request, _ context: PipeRequestContext, head: Bool) async throws(PipeError) -> Response {
        let bucket = try context.bucket()
        let key = try ObjectRoutes.key(request, after: "/v1/storage/public/\(bucket.rawValue)/")
        return try await ObjectRoutes.serve(request, head: head) { range, conditions throws(PipeError) in
            try await storage.openObject(in: bucket, at: key, range: range, conditions: conditions, as: nil)
        }
    }

    func verify(_ request: Request, _ context: PipeRequestContext, method: HTTPMethod) async throws(PipeError)
        -> SignedAccess
    {
        let bucket = try context.bucket()
        let key = try ObjectRoutes.key(request, after: "/v1/storage/signed/\(bucket.rawValue)/")
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters where query.count < 16 {
            query[String(name)] = String(value)
        }
        return try await storage.verifySignedURL(
            method: method, bucket: bucket, key: key, query: query, contentType: request.headers[.contentType])
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import PipeCore
import PipeStorage

/// Resumable uploads: start a session for one object, send numbered parts (each streamed; a part sent again
/// replaces the old one, so a client resumes by asking which parts arrived and sending the rest), then complete it
/// into the object or abort it. A session belongs to the account that started it.
struct UploadRoutes {
    let storage: StorageService
    let configuration: ServerConfiguration

    /// The highest part number a session takes.
    static let maxPartNumber = 10_000

    func add(to router: Router<PipeRequestContext>) {
        router.post("v1/storage/buckets/:bucket/uploads") { request, context in try await start(request, context) }
        let group = router.group("v1/storage/uploads/:upload")
        group.get { _, context in try await session(context) }
        group.put("parts/:part") { request, context in try await part(request, context) }
        group.post("complete") { _, context in try await complete(context) }
        group.delete { _, context in try await abort(context) }
    }

    func start(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        let body = try await request.jsonObject(limit: configuration.maxJSONBodyBytes)
        try body.onlyFields(["key", "contentType", "cacheControl", "upsert"])
        let options = PutObjectOptions(
            contentType: try body.string("contentType", required: false),
            cacheControl: try body.string("cacheControl", required: false), upsert: try body.bool("upsert") ?? false)
        let session = try await storage.startUpload(
            in: try context.bucket(), at: try ObjectKey(try body.requiredString("key")), options: options, as: principal)
        return JSONResponse.make(Self.json(session), status: 201)
    }

    func session(_ context: PipeRequestContext) async throws(PipeError) -> Response {
        JSONResponse.make(Self.json(try await storage.upload(try context.uploadID(), as: try context.requirePrincipal())))
    }

    func part(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        guard let text = context.parameters.get("part"), let number = Int(text), (1...Self.maxPartNumber).contains(number)
        else {
            throw PipeError(
                .invalidArgument, "the part number must be 1 to \(Self.maxPartNumber)", details: ["field": "part"])
        }
        let part = try await storage.uploadPart(
            streaming: request.body.map { Array($0.readableBytesView) }, number: number, to: try context.uploadID(),
            as: principal)
        return JSONResponse.make(Self.json(part))
    }

    func complete(_ context: PipeRequestContext) async throws(PipeError) -> Response {
        let info = try await storage.completeUpload(try context.uploadID(), as: try context.requirePrincipal())
        var response = JSONResponse.make(ObjectRoutes.json(info), status: 201)
        response.headers[.eTag] = ObjectRoutes.quoted(info.etag)
        return response
    }

    func abort(_ context: PipeRequestContext) async throws(PipeError) -> Response {
        try await storage.abortUpload(try context.uploadID(), as: try context.requirePrincipal())
        return JSONResponse.noContent()
    }

    static func json(_ session: UploadSession) -> JSONValue {
        [
            "id": .string(session.id.rawValue), "bucket": .string(session.bucket.rawValue),
            "key": .string(session.key.rawValue), "createdAt": .string(AuthRoutes.timestamp(session.createdAt)),
            "expiresAt": .string(AuthRoutes.timestamp(session.expiresAt)), "parts": .array(session.parts.map(json)),
        ]
    }

    static func json(_ part: UploadedPart) -> JSONValue {
        ["number": .int(part.number), "size": .number(.int(part.size)), "sha256": .string(part.sha256)]
    }
}

extension PipeRequestContext {
    /// The `:upload` path parameter, validated.
    func uploadID() throws(PipeError) -> UploadID {
        try UploadID(parameters.get("upload") ?? "")
    }
}

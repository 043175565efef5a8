import Hummingbird
import NIOCore
import PipeCore
import PipePipeline

/// The API's OpenAPI 3.1 document, as JSON, made once from the YAML it is written in.
///
/// The YAML is kept in the binary (no resource bundle to ship), one file per area of the API; the parts are top-level
/// keys or entries of `paths` and `components`, so joining them in order makes the document. Tests hold it to the
/// router's route list (OpenAPIDocumentTests) and schemathesis checks the server against it (scripts/schemathesis.sh,
/// in `make test`).
enum OpenAPIDocument {
    /// The whole document.
    static let yaml = [
        overview, operationsPaths, signInPaths, accountPaths, bucketAndObjectPaths, linkAndUploadPaths, pipelinePaths,
        sharedComponents, schemas,
    ].joined(separator: "\n")

    /// The document as JSON bytes; `nil` only if the embedded YAML does not parse, which a test rules out.
    static let json: [UInt8]? = {
        guard let value = try? YAMLDocument.json(yaml) else { return nil }
        var writer = JSONWriter(capacity: 128 * 1024)
        writer.write(value)
        return writer.bytes
    }()
}

/// `GET /v1/openapi.json`: the document, for anyone (it describes the API, not any data), cacheable.
struct OpenAPIRoutes {
    func add(to router: Router<PipeRequestContext>) {
        router.get("v1/openapi.json") { _, _ throws(PipeError) in
            guard let bytes = OpenAPIDocument.json else {
                throw PipeError(.internalError, "the OpenAPI document is not available")
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/json; charset=utf-8", .contentLength: String(bytes.count),
                    .cacheControl: "public, max-age=300",
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}

import Hummingbird
import NIOCore
import PipeCore
import PipePipeline

/// The API's OpenAPI 3.1 document, as JSON, made once from the YAML it is written in.
enum OpenAPIDocument {
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

import HTTPTypes
import Hummingbird

/// Cross-origin requests from browsers, for the origins on the allow-list only (exact `scheme://host[:port]`
/// matches; no wildcards). Preflight requests (`OPTIONS` with `Access-Control-Request-Method`) are answered here,
/// before authentication, since browsers send them without credentials. Requests from other origins get no CORS
/// headers, so browsers keep their responses from the page.
struct AllowListCORSMiddleware: RouterMiddleware {
    typealias Context = PipeRequestContext
    let origins: Set<String>

    static let requestMethod = HTTPField.Name("Access-Control-Request-Method")!
    static let allowOrigin = HTTPField.Name("Access-Control-Allow-Origin")!
    static let allowMethods = HTTPField.Name("Access-Control-Allow-Methods")!
    static let allowHeaders = HTTPField.Name("Access-Control-Allow-Headers")!
    static let exposeHeaders = HTTPField.Name("Access-Control-Expose-Headers")!
    static let maxAge = HTTPField.Name("Access-Control-Max-Age")!

    func handle(
        _ request: Request, context: PipeRequestContext,
        next: (Request, PipeRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let origin = request.headers[.origin], origins.contains(origin) else {
            return try await next(request, context)
        }
        if request.method == .options, request.headers[Self.requestMethod] != nil {
            var response = Response(status: .noContent)
            response.headers[Self.allowOrigin] = origin
            response.headers[Self.allowMethods] = "GET, HEAD, POST, PUT, PATCH, DELETE"
            response.headers[Self.allowHeaders] =
                "Authorization, Content-Type, Cache-Control, If-Match, If-None-Match, If-Modified-Since, Range, Idempotency-Key"
            response.headers[Self.maxAge] = "600"
            response.headers[.vary] = "Origin"
            return response
        }
        var response = try await next(request, context)
        response.headers[Self.allowOrigin] = origin
        response.headers[Self.exposeHeaders] =
            "ETag, Last-Modified, Content-Range, X-Request-Id, RateLimit, RateLimit-Policy, Retry-After"
        response.headers[.vary] = "Origin"
        return response
    }
}

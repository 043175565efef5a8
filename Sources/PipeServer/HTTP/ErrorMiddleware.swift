import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PipeCore

/// Turns every failure into the one error format, `{"error": {"code", "message", "requestId"}}`, with the HTTP
/// status of the `PipeError` code, and puts the request id and the security headers on every response.
///
/// Errors that are not `PipeError`s (a bug, or a Hummingbird routing error) become `internal` with a generic
/// message: their text may hold details a client must not see. They are logged with the request id.
struct GatewayMiddleware: RouterMiddleware {
    typealias Context = PipeRequestContext

    static let requestIDHeader = HTTPField.Name("X-Request-Id")!
    static let errorCodeHeader = HTTPField.Name("Pipe-Error-Code")!
    /// The longest request target (path and query) served: above the longest valid one (a 1 KiB object key
    /// percent-encoded is 3 KiB), far below what would cost anything to parse.
    static let maxTargetBytes = 16 * 1024

    func handle(
        _ request: Request, context: PipeRequestContext,
        next: (Request, PipeRequestContext) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            // The target is bounded here (headers are bounded by the HTTP decoder): no route needs more, and a
            // longer one is refused before anything parses it.
            guard request.uri.string.utf8.count <= Self.maxTargetBytes else {
                throw PipeError(.uriTooLong, "the request target is longer than \(Self.maxTargetBytes) bytes")
            }
            response = try await next(request, context)
        } catch {
            response = Self.response(for: error, context: context)
        }
        response.headers[Self.requestIDHeader] = context.requestID
        Self.addSecurityHeaders(&response.headers)
        return response
    }

    /// The error response for any failure (see the type's discussion); middleware that must add headers to error
    /// responses too (rate limits) calls it directly.
    static func response(for error: any Error, context: PipeRequestContext) -> Response {
        switch error {
        case let error as PipeError:
            if error.code == .internalError || error.code == .unavailable || error.code == .dataCorrupted {
                context.logger.error("request failed", metadata: ["error": "\(error)"])
            }
            return errorResponse(error, requestID: context.requestID)
        case let error as HTTPError:
            let code: PipeError.Code =
                switch error.status {
                case .notFound: .notFound
                case .methodNotAllowed: .methodNotAllowed
                case .contentTooLarge: .limitExceeded
                default: error.status.code >= 500 ? .internalError : .invalidArgument
                }
            return errorResponse(PipeError(code, error.body ?? error.status.reasonPhrase), requestID: context.requestID)
        default:
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            return errorResponse(PipeError(.internalError, "the request failed on the server"), requestID: context.requestID)
        }
    }

    static func addSecurityHeaders(_ headers: inout HTTPFields) {
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
    }

    static func errorResponse(_ error: PipeError, requestID: String) -> Response {
        var members: [(String, JSONValue)] = [
            ("code", .string(error.code.rawValue)), ("message", .string(error.message)), ("requestId", .string(requestID)),
        ]
        if !error.details.isEmpty {
            members.append(("details", .object(JSONObject(error.details.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))))
        }
        var response = JSONResponse.make(.object(["error": .object(JSONObject(members))]), status: error.httpStatus)
        // The code again, for responses without a body (HEAD).
        response.headers[errorCodeHeader] = error.code.rawValue
        if let retryAfter = error.details["retryAfter"] { response.headers[.retryAfter] = retryAfter }
        if error.code == .methodNotAllowed, let allow = error.details["allow"] { response.headers[.allow] = allow }
        if error.code == .unauthenticated || error.code == .tokenInvalid || error.code == .tokenExpired {
            response.headers[.wwwAuthenticate] = "Bearer"
        }
        return response
    }
}

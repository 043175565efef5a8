import HTTPTypes
import Hummingbird
import Logging
import PipeAuth
import PipeCore

/// Resolves the caller from `Authorization: Bearer …`: an API key (`pipe_…`) or an access token. Requests without
/// the header go on as anonymous; each route and service decides what anonymous callers may do (deny by default).
/// A header that is present but not valid fails the request: a client that meant to authenticate must hear that it
/// did not.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = PipeRequestContext
    let auth: AuthService

    static let maximumHeaderBytes = 8 * 1024 + 16

    func handle(
        _ request: Request, context: PipeRequestContext,
        next: (Request, PipeRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        guard header.utf8.count <= Self.maximumHeaderBytes, header.hasPrefix("Bearer "), header.count > 7 else {
            throw PipeError(.unauthenticated, "the Authorization header must be \"Bearer <token or API key>\"")
        }
        let credential = String(header.dropFirst(7))
        var context = context
        if credential.hasPrefix("pipe_") {
            context.principal = try await auth.authenticate(apiKey: credential)
        } else {
            context.principal = try await auth.authenticate(bearer: credential)
        }
        context.logger[metadataKey: "principal"] = "\(context.principal?.id.rawValue ?? "-")"
        return try await next(request, context)
    }
}

extension PipeRequestContext {
    /// The caller, or `unauthenticated` for routes no anonymous caller may use.
    func requirePrincipal() throws(PipeError) -> Principal {
        guard let principal else { throw PipeError(.unauthenticated, "sign in or send an API key") }
        return principal
    }
}

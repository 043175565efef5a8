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
        var context = context
        switch await principal(from: header) {
        case .success(let principal): context.principal = principal
        // Refused credentials go to the rate limiter, which answers them (see `credentialError`).
        case .failure(let error) where Self.isGuess(error): context.credentialError = error
        case .failure(let error): throw error
        }
        context.logger[metadataKey: "principal"] = "\(context.principal?.id.rawValue ?? "-")"
        return try await next(request, context)
    }
}

extension AuthenticationMiddleware {
    /// The caller an `Authorization` header names: an API key (`pipe_…`) or an access token.
    func principal(from header: String) async -> Result<Principal, PipeError> {
        guard header.utf8.count <= Self.maximumHeaderBytes, header.hasPrefix("Bearer "), header.count > 7 else {
            return .failure(PipeError(.unauthenticated, "the Authorization header must be \"Bearer <token or API key>\""))
        }
        let credential = String(header.dropFirst(7))
        do {
            return .success(
                credential.hasPrefix("pipe_")
                    ? try await auth.authenticate(apiKey: credential) : try await auth.authenticate(bearer: credential))
        } catch {
            return .failure(error)
        }
    }

    /// Whether a refusal could come from guessing: a malformed header, or a token or key that does not verify. An
    /// expired token is one this deployment signed (the client should refresh), and a store that cannot answer is
    /// not the client's doing: neither is charged.
    static func isGuess(_ error: PipeError) -> Bool {
        error.code == .unauthenticated || error.code == .tokenInvalid || error.code == .invalidCredentials
    }
}

extension PipeRequestContext {
    /// The caller, or `unauthenticated` for routes no anonymous caller may use.
    func requirePrincipal() throws(PipeError) -> Principal {
        guard let principal else { throw PipeError(.unauthenticated, "sign in or send an API key") }
        return principal
    }
}

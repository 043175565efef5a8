import Foundation
import HTTPTypes
import Hummingbird
import PipeCore

/// Applies the rate limits: the `auth` policy to sign-in routes (per client IP), the `default` policy to
/// everything else (per account when authenticated, per client IP otherwise). Every response says where the caller
/// stands (`RateLimit-Policy`, `RateLimit`, IETF draft structured fields); a refused request gets 429 with
/// `Retry-After`.
///
/// The client IP is the connection's peer, unless the peer is a configured trusted proxy: then it is the last
/// address in `X-Forwarded-For` that is not itself a trusted proxy. Anyone else's `X-Forwarded-For` is ignored, so
/// a client cannot pick its own key.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = PipeRequestContext
    let limiter: any RateLimiter
    let limits: RateLimits

    static let policyHeader = HTTPField.Name("RateLimit-Policy")!
    static let stateHeader = HTTPField.Name("RateLimit")!
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    /// The routes where a caller presents a secret to be checked (or makes an account): the stricter policy.
    static let authPaths: Set<String> = [
        "/v1/auth/login", "/v1/auth/second-factor", "/v1/auth/refresh", "/v1/auth/users", "/v1/auth/password",
        "/v1/auth/totp/confirm",
    ]

    static func usesAuthPolicy(_ request: Request) -> Bool {
        let path = request.uri.path
        switch request.method {
        case .post:
            return authPaths.contains(path) || (path.hasPrefix("/v1/auth/oauth/") && path.hasSuffix("/callback"))
        case .delete: return path == "/v1/auth/totp"
        default: return false
        }
    }

    func handle(
        _ request: Request, context: PipeRequestContext,
        next: (Request, PipeRequestContext) async throws -> Response
    ) async throws -> Response {
        let client = clientAddress(request, context)
        let policy: RateLimitPolicy
        let key: String
        if context.credentialError != nil || Self.usesAuthPolicy(request) {
            policy = limits.auth
            key = "auth/ip/" + client
        } else if let principal = context.principal {
            policy = limits.default
            key = "default/principal/" + principal.id.rawValue
        } else {
            policy = limits.default
            key = "default/ip/" + client
        }
        let decision = await limiter.check(key, policy: policy)
        var response: Response
        if decision.allowed, let refused = context.credentialError {
            response = GatewayMiddleware.errorResponse(refused, requestID: context.requestID)
        } else if decision.allowed {
            do {
                response = try await next(request, context)
            } catch {
                response = GatewayMiddleware.response(for: error, context: context)
            }
        } else {
            response = GatewayMiddleware.errorResponse(
                PipeError(
                    .rateLimited, "too many requests; try again in \(decision.retryAfter ?? 1) s",
                    details: ["retryAfter": String(decision.retryAfter ?? 1), "policy": policy.name]),
                requestID: context.requestID)
        }
        Self.describe(policy, decision, in: &response.headers)
        return response
    }

    /// Where the caller stands: `RateLimit-Policy` and `RateLimit`.
    static func describe(_ policy: RateLimitPolicy, _ decision: RateLimitDecision, in headers: inout HTTPFields) {
        headers[policyHeader] = Self.policy(policy)
        headers[stateHeader] = state(policy, decision)
    }

    /// The `RateLimit-Policy` value.
    static func policy(_ policy: RateLimitPolicy) -> String {
        "\"\(policy.name)\";q=\(policy.limit);w=\(policy.window)"
    }

    /// The `RateLimit` value.
    static func state(_ policy: RateLimitPolicy, _ decision: RateLimitDecision) -> String {
        "\"\(policy.name)\";r=\(decision.remaining);t=\(decision.reset)"
    }

    func clientAddress(_ request: Request, _ context: PipeRequestContext) -> String {
        Self.clientAddress(peer: context.peerAddress, forwardedFor: request.headers[Self.forwardedFor], limits: limits)
    }

    /// The client's address (see the type's discussion).
    static func clientAddress(peer: String?, forwardedFor forwarded: String?, limits: RateLimits) -> String {
        let peer = peer ?? "unknown"
        guard limits.trustedProxies.contains(peer), let forwarded else { return peer }
        let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.last { !limits.trustedProxies.contains($0) }.map { String($0.prefix(64)) } ?? peer
    }
}

/// The gateway's rate limits.
public struct RateLimits: Sendable, Hashable {
    /// Every route but sign-in (default 600 a minute).
    public var `default`: RateLimitPolicy
    /// Sign-in, refresh, second factor and sign-up, per client IP (default 20 a minute).
    public var auth: RateLimitPolicy
    /// Proxies whose `X-Forwarded-For` is believed (exact IP addresses; default none).
    public var trustedProxies: Set<String>

    /// The defaults above.
    public init() {
        `default` = RateLimitPolicy(name: "default", limit: 600, window: 60)
        auth = RateLimitPolicy(name: "auth", limit: 20, window: 60)
        trustedProxies = []
    }
}

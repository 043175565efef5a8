import Foundation
import Hummingbird
import PipeAuth
import PipeCore

/// `/v1/auth/…`: sign-in, refresh, sign-out, the second factor, the caller's account, account creation, and the
/// JWKS other services verify Pipe's tokens with.
struct AuthRoutes {
    let auth: AuthService
    let configuration: ServerConfiguration

    func add(to router: Router<PipeRequestContext>) {
        let group = router.group("v1/auth")
        group.post("login") { request, context in try await login(request, context) }
        group.post("refresh") { request, context in try await refresh(request, context) }
        group.post("logout") { request, context in try await logout(request, context) }
        group.post("second-factor") { request, context in try await secondFactor(request, context) }
        group.get("jwks") { _, _ in try jwks() }
        group.get("me") { _, context in try await me(context) }
        group.post("users") { request, context in try await createUser(request, context) }
        router.get(".well-known/jwks.json") { _, _ in try jwks() }
    }

    private var limit: Int { configuration.maxJSONBodyBytes }

    func login(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let body = try await request.jsonObject(limit: limit)
        try body.onlyFields(["email", "password"])
        let userAgent = request.headers[.userAgent]
        switch try await auth.signIn(email: try body.requiredString("email"), password: try body.requiredString("password"), client: userAgent) {
        case .signedIn(let pair): return JSONResponse.make(Self.json(pair))
        case .secondFactorRequired(let challenge):
            return JSONResponse.make([
                "secondFactor": [
                    "challenge": .string(challenge.token), "expiresAt": .string(Self.timestamp(challenge.expiresAt)),
                ]
            ])
        }
    }

    func secondFactor(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let body = try await request.jsonObject(limit: limit)
        try body.onlyFields(["challenge", "code"])
        let pair = try await auth.completeSecondFactor(
            challenge: try body.requiredString("challenge"), code: try body.requiredString("code"))
        return JSONResponse.make(Self.json(pair))
    }

    func refresh(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let body = try await request.jsonObject(limit: limit)
        try body.onlyFields(["refreshToken"])
        return JSONResponse.make(Self.json(try await auth.refresh(try body.requiredString("refreshToken"))))
    }

    func logout(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let body = try await request.jsonObject(limit: limit)
        try body.onlyFields(["refreshToken"])
        try await auth.signOut(refreshToken: try body.requiredString("refreshToken"))
        return JSONResponse.noContent()
    }

    func jwks() throws(PipeError) -> Response {
        var response = JSONResponse.make(try auth.jwks())
        response.headers[.cacheControl] = "public, max-age=300"
        return response
    }

    func me(_ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        return JSONResponse.make(Self.json(try await auth.user(principal.id, as: principal), scopes: principal.scopes))
    }

    /// Creates a user: admins always; anyone when ``ServerConfiguration/allowSignUp`` is on. Roles can only be given
    /// by admins (the service refuses others), so a sign-up cannot make itself an admin.
    func createUser(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        guard context.principal != nil || configuration.allowSignUp else {
            throw PipeError(.unauthenticated, "sign-up is closed: an admin creates accounts")
        }
        let body = try await request.jsonObject(limit: limit)
        try body.onlyFields(["email", "password", "displayName", "roles"])
        let roles = Set(try body.strings("roles", limit: 32) ?? [AuthService.memberRole])
        let user = try await auth.createUser(
            email: try body.requiredString("email"), password: try body.requiredString("password"),
            displayName: try body.string("displayName", required: false), roles: roles, as: context.principal)
        return JSONResponse.make(Self.json(user, scopes: []), status: 201)
    }

    static func json(_ pair: TokenPair) -> JSONValue {
        [
            "accessToken": .string(pair.accessToken), "tokenType": "Bearer",
            "expiresAt": .string(timestamp(pair.accessTokenExpiresAt)), "refreshToken": .string(pair.refreshToken),
            "sessionId": .string(pair.sessionID.rawValue), "userId": .string(pair.userID.rawValue),
            "methods": .array(pair.methods.map { .string($0) }),
        ]
    }

    static func json(_ user: User, scopes: Set<String>) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(user.id.rawValue)), ("kind", .string(user.kind == .user ? "user" : "serviceAccount")),
            ("displayName", .string(user.displayName)), ("roles", .array(user.roles.sorted().map { .string($0) })),
            ("emailVerified", .bool(user.emailVerified)), ("secondFactor", .bool(user.secondFactorEnabled)),
            ("createdAt", .string(timestamp(user.createdAt))),
        ]
        if let email = user.email { members.append(("email", .string(email))) }
        if !scopes.isEmpty { members.append(("scopes", .array(scopes.sorted().map { .string($0) }))) }
        return .object(JSONObject(members))
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

import Foundation
import Hummingbird
import PipeAuth
import PipeCore

/// `/v1/auth/…` management: the caller's sessions (list, revoke one, revoke all), API keys (create, list,
/// revoke) and, for admins, service accounts. Accounts act on themselves; admins on anyone (the auth service
/// decides, through the one access policy).
struct AccountRoutes {
    let auth: AuthService
    let configuration: ServerConfiguration

    func add(to router: Router<PipeRequestContext>) {
        let group = router.group("v1/auth")
        group.get("sessions") { request, context in try await sessions(request, context) }
        group.delete("sessions") { _, context in try await revokeAll(context) }
        group.delete("sessions/:session") { _, context in try await revoke(context) }
        group.get("api-keys") { request, context in try await apiKeys(request, context) }
        group.post("api-keys") { request, context in try await createAPIKey(request, context) }
        group.delete("api-keys/:key") { _, context in try await revokeAPIKey(context) }
        group.post("service-accounts") { request, context in try await createServiceAccount(request, context) }
    }

    /// `?account=<id>` names another account (admins); the caller's own otherwise.
    private func account(_ request: Request, _ principal: Principal) throws(PipeError) -> UserID {
        guard let id = request.uri.queryParameters.get("account") else { return principal.id }
        return try UserID(id)
    }

    func sessions(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        let sessions = try await auth.sessions(
            of: try account(request, principal), includingRevoked: try request.flag("all"),
            as: principal)
        return JSONResponse.make(["sessions": .array(sessions.map(Self.json))])
    }

    func revoke(_ context: PipeRequestContext) async throws(PipeError) -> Response {
        try await auth.revokeSession(try SessionID(context.parameters.get("session") ?? ""), as: try context.requirePrincipal())
        return JSONResponse.noContent()
    }

    func revokeAll(_ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        let count = try await auth.revokeAllSessions(of: principal.id, as: principal)
        return JSONResponse.make(["revoked": .number(.int(Int64(count)))])
    }

    func apiKeys(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        let keys = try await auth.apiKeys(of: try account(request, principal), as: principal)
        return JSONResponse.make(["apiKeys": .array(keys.map(Self.json))])
    }

    func createAPIKey(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        let body = try await request.jsonObject(limit: configuration.maxJSONBodyBytes)
        try body.onlyFields(["name", "scopes", "account", "expiresAt"])
        let scopes = Set(try body.strings("scopes") ?? [])
        var expiresAt: Date?
        if let text = try body.string("expiresAt", required: false) {
            guard let date = try? Date(text, strategy: .iso8601) else {
                throw PipeError(.invalidArgument, "expiresAt must be an ISO 8601 time", details: ["field": "expiresAt"])
            }
            expiresAt = date
        }
        let owner = try body.string("account", required: false).map { text throws(PipeError) in try UserID(text) } ?? principal.id
        let created = try await auth.createAPIKey(
            for: owner, name: try body.requiredString("name"), scopes: scopes, expiresAt: expiresAt, as: principal)
        guard case .object(var members) = Self.json(created.info) else { return JSONResponse.make(Self.json(created.info)) }
        members["key"] = .string(created.key)  // shown this once
        return JSONResponse.make(.object(members), status: 201)
    }

    func revokeAPIKey(_ context: PipeRequestContext) async throws(PipeError) -> Response {
        try await auth.revokeAPIKey(context.parameters.get("key") ?? "", as: try context.requirePrincipal())
        return JSONResponse.noContent()
    }

    func createServiceAccount(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        let body = try await request.jsonObject(limit: configuration.maxJSONBodyBytes)
        try body.onlyFields(["name", "roles"])
        let roles = Set(try body.strings("roles", limit: 32) ?? [])
        let account = try await auth.createServiceAccount(name: try body.requiredString("name"), roles: roles, as: principal)
        return JSONResponse.make(AuthRoutes.json(account, scopes: []), status: 201)
    }

    static func json(_ session: SessionInfo) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(session.id.rawValue)), ("methods", .array(session.methods.map { .string($0) })),
            ("createdAt", .string(AuthRoutes.timestamp(session.createdAt))),
            ("lastUsedAt", .string(AuthRoutes.timestamp(session.lastUsedAt))),
            ("expiresAt", .string(AuthRoutes.timestamp(session.expiresAt))),
        ]
        if let client = session.client { members.append(("client", .string(client))) }
        if let revoked = session.revokedAt {
            members.append(("revokedAt", .string(AuthRoutes.timestamp(revoked))))
            members.append(("revokedReason", .string(session.revokedReason ?? "")))
        }
        return .object(JSONObject(members))
    }

    static func json(_ key: APIKeyInfo) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(key.id)), ("account", .string(key.accountID.rawValue)), ("name", .string(key.name)),
            ("scopes", .array(key.scopes.sorted().map { .string($0) })), ("createdAt", .string(AuthRoutes.timestamp(key.createdAt))),
        ]
        if let date = key.expiresAt { members.append(("expiresAt", .string(AuthRoutes.timestamp(date)))) }
        if let date = key.lastUsedAt { members.append(("lastUsedAt", .string(AuthRoutes.timestamp(date)))) }
        if let date = key.revokedAt { members.append(("revokedAt", .string(AuthRoutes.timestamp(date)))) }
        return .object(JSONObject(members))
    }
}

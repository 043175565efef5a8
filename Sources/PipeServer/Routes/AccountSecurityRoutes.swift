import Foundation
import HTTPTypes
import Hummingbird
import PipeAuth
import PipeCore

/// `/v1/auth…` for an account's credentials and standing: change the password, enrol or remove a TOTP second factor,
/// sign in through an OAuth provider, and (admins) change an account's roles or disable it.
struct AccountSecurityRoutes {
    let auth: AuthService
    let configuration: ServerConfiguration

    func add(to router: Router<PipeRequestContext>) {
        let group = router.group("v1/auth")
        group.post("password") { request, context in try await changePassword(request, context) }
        group.post("totp") { _, context in try await beginTOTP(context) }
        group.post("totp/confirm") { request, context in try await confirmTOTP(request, context) }
        group.delete("totp") { request, context in try await disableTOTP(request, context) }
        group.get("oauth/:provider/start") { request, context in try await beginOAuth(request, context) }
        group.post("oauth/:provider/callback") { request, context in try await completeOAuth(request, context) }
        group.patch("users/:user") { request, context in try await updateUser(request, context) }
    }

    private var limit: Int { configuration.maxJSONBodyBytes }

    func changePassword(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        let body = try await request.jsonObject(limit: limit)
        try body.onlyFields(["currentPassword", "newPassword"])
        try await auth.changePassword(
            to: try body.requiredString("newPassword"), current: try body.requiredString("currentPassword"),
            of: principal.id, as: principal)
        return JSONResponse.noContent()
    }

    func beginTOTP(_ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        let enrolment = try await auth.beginTOTPEnrolment(for: principal.id, as: principal)
        var response = JSONResponse.make(["secret": .string(enrolment.secret), "uri": .string(enrolment.provisioningURI)])
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func confirmTOTP(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        let body = try await request.jsonObject(limit: limit)
        try body.onlyFields(["code"])
        let codes = try await auth.confirmTOTPEnrolment(code: try body.requiredString("code"), for: principal.id, as: principal)
        var response = JSONResponse.make(["recoveryCodes": .array(codes.map { .string($0) })])
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Turns the caller's second factor off with a current code; an admin names another account with `?account=`
    /// and needs no code.
    func disableTOTP(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        let account = try request.uri.queryParameters.get("account").map { id throws(PipeError) in try UserID(String(id)) }
        var code: String?
        if request.headers[.contentLength].map({ $0 != "0" }) ?? (request.headers[.transferEncoding] != nil) {
            let body = try await request.jsonObject(limit: limit)
            try body.onlyFields(["code"])
            code = try body.string("code", required: false)
        }
        try await auth.disableSecondFactor(code: code, for: account ?? principal.id, as: principal)
        return JSONResponse.noContent()
    }

    /// Starts a sign-in with a configured provider: the URL to send the browser to, and the `state` the callback
    /// must bring back.
    func beginOAuth(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        guard let redirectURI = request.uri.queryParameters.get("redirect_uri") else {
            throw PipeError(.invalidArgument, "redirect_uri is required", details: ["field": "redirect_uri"])
        }
        let start = try await auth.beginOAuth(provider: try context.provider(), redirectURI: String(redirectURI))
        var response = JSONResponse.make([
            "url": .string(start.authorizationURL.absoluteString), "state": .string(start.state),
            "expiresAt": .string(AuthRoutes.timestamp(start.expiresAt)),
        ])
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Completes a sign-in with what the provider's redirect brought back; answers like a password login.
    func completeOAuth(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let body = try await request.jsonObject(limit: limit)
        try body.onlyFields(["state", "code", "redirectUri"])
        let pair = try await auth.completeOAuth(
            provider: try context.provider(), redirectURI: try body.requiredString("redirectUri"),
            state: try body.requiredString("state"), code: try body.requiredString("code"),
            client: request.headers[.userAgent])
        return JSONResponse.make(AuthRoutes.json(pair))
    }

    /// Changes an account's roles or disables it (admins; only admins grant roles, and disabling revokes sessions).
    func updateUser(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        let id = try UserID(context.parameters.get("user") ?? "")
        let body = try await request.jsonObject(limit: limit)
        try body.onlyFields(["roles", "disabled"])
        if let roles = try body.strings("roles", limit: 32) {
            _ = try await auth.setRoles(Set(roles), of: id, as: principal)
        }
        if let disabled = try body.bool("disabled") {
            try await auth.setDisabled(disabled, id, as: principal)
        }
        return JSONResponse.make(AuthRoutes.json(try await auth.user(id, as: principal), scopes: []))
    }
}

extension PipeRequestContext {
    /// The `:provider` path parameter: a configured provider's name (the auth service refuses unknown ones).
    func provider() throws(PipeError) -> String {
        guard let name = parameters.get("provider"), (1...64).contains(name.utf8.count) else {
            throw PipeError(.invalidArgument, "the provider name is not valid", details: ["field": "provider"])
        }
        return name
    }
}

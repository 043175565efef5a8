import Foundation
import PipeCore

/// Sign-in and sessions against a deployment's `/v1/auth` routes.
///
/// Sign-in, refresh and sign-out go without an `Authorization` header: an expired access token sent along would
/// fail them.
struct RemoteAuth: AuthBackend {
    let transport: RemoteTransport

    private func post(_ path: String, _ body: JSONValue) async throws(PipeError) -> JSONValue {
        var call = RemoteTransport.Call(.post, path, json: body)
        call.anonymous = true
        return try await transport.json(call)
    }

    func signIn(email: String, password: String) async throws(PipeError) -> SignInStep {
        let answer = try await post("/v1/auth/login", ["email": .string(email), "password": .string(password)])
        if let challenge = answer["secondFactor"] {
            return .secondFactor(
                challenge: try WireFormat.string(challenge, "challenge", "second-factor challenge"),
                expiresAt: try WireFormat.date(challenge, "expiresAt", "second-factor challenge"))
        }
        return .signedIn(try Self.tokens(answer))
    }

    func completeSecondFactor(challenge: String, code: String) async throws(PipeError) -> SessionTokens {
        try Self.tokens(try await post("/v1/auth/second-factor", ["challenge": .string(challenge), "code": .string(code)]))
    }

    func beginOAuth(provider: String, redirectURI: String) async throws(PipeError) -> OAuthAuthorization {
        var call = RemoteTransport.Call(
            .get, Self.oauthPath(provider) + "/start" + RemoteTransport.query([("redirect_uri", redirectURI)]))
        call.anonymous = true
        let value = try await transport.json(call)
        let what = "OAuth start"
        guard let url = URL(string: try WireFormat.string(value, "url", what)) else { throw WireFormat.malformed(what) }
        return OAuthAuthorization(
            url: url, state: try WireFormat.string(value, "state", what), expiresAt: try WireFormat.date(value, "expiresAt", what))
    }

    func completeOAuth(provider: String, redirectURI: String, state: String, code: String) async throws(PipeError)
        -> SessionTokens
    {
        try Self.tokens(
            try await post(
                Self.oauthPath(provider) + "/callback",
                ["state": .string(state), "code": .string(code), "redirectUri": .string(redirectURI)]))
    }

    static func oauthPath(_ provider: String) -> String { "/v1/auth/oauth/" + RemoteTransport.encode(provider) }

    func refresh(_ refreshToken: String) async throws(PipeError) -> SessionTokens {
        try Self.tokens(try await post("/v1/auth/refresh", ["refreshToken": .string(refreshToken)]))
    }

    func signOut(_ refreshToken: String) async throws(PipeError) {
        var call = RemoteTransport.Call(.post, "/v1/auth/logout", json: ["refreshToken": .string(refreshToken)])
        call.anonymous = true
        _ = try await transport.send(call)
    }

    func account(bearer: String) async throws(PipeError) -> Account {
        var call = RemoteTransport.Call(.get, "/v1/auth/me")
        call.bearer = bearer
        let value = try await transport.json(call)
        let what = "account"
        return Account(
            id: try WireFormat.string(value, "id", what),
            kind: value["kind"]?.stringValue == "serviceAccount" ? .serviceAccount : .user,
            email: value["email"]?.stringValue, displayName: try WireFormat.string(value, "displayName", what),
            roles: Set(value["roles"]?.arrayValue?.compactMap(\.stringValue) ?? []),
            emailVerified: value["emailVerified"]?.boolValue ?? false,
            secondFactorEnabled: value["secondFactor"]?.boolValue ?? false,
            createdAt: try WireFormat.date(value, "createdAt", what))
    }

    static func tokens(_ value: JSONValue) throws(PipeError) -> SessionTokens {
        let what = "token pair"
        return SessionTokens(
            accessToken: try WireFormat.string(value, "accessToken", what),
            expiresAt: try WireFormat.date(value, "expiresAt", what),
            refreshToken: try WireFormat.string(value, "refreshToken", what),
            sessionID: try WireFormat.string(value, "sessionId", what), userID: try WireFormat.string(value, "userId", what))
    }
}

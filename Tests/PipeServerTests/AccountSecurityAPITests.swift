import Foundation
import PipeAuth
import PipeCore
import PipeHTTP
import PipeServer
import PipeTestSupport
import Testing

@Suite("Passwords, second factors, OAuth and account administration over HTTP", .serialized)
struct AccountSecurityAPITests {
    @Test("changing a password needs the current one; the old one stops working")
    func passwordChange() async throws {
        try await ServerFixture.with { server in
            let alice = try await server.user("alice@example.com")
            let wrong = try await server.send(.post, "/v1/auth/password", token: alice.token, json: ["currentPassword": "nope nope", "newPassword": "battery staple"])
            #expect(wrong.status == 401 && wrong.errorCode == "invalid_credentials")
            #expect(try await server.send(.post, "/v1/auth/password", token: alice.token, json: ["currentPassword": "correct horse", "newPassword": "short"]).status == 400)
            #expect(try await server.send(.post, "/v1/auth/password", json: ["currentPassword": "correct horse", "newPassword": "battery staple"]).status == 401)
            let changed = try await server.send(.post, "/v1/auth/password", token: alice.token, json: ["currentPassword": "correct horse", "newPassword": "battery staple"])
            #expect(changed.status == 204)
            #expect(try await server.send(.post, "/v1/auth/login", json: ["email": "alice@example.com", "password": "correct horse"]).status == 401)
            #expect(try await server.send(.post, "/v1/auth/login", json: ["email": "alice@example.com", "password": "battery staple"]).status == 200)
        }
    }

    @Test("TOTP: enrol, confirm, then logins need the code; removing it needs a code too")
    func secondFactor() async throws {
        try await ServerFixture.with { server in
            let alice = try await server.user("alice@example.com")
            let enrolment = try await server.send(.post, "/v1/auth/totp", token: alice.token)
            #expect(enrolment.status == 200 && enrolment.headers["Cache-Control"] == "no-store")
            let authenticator = try TOTP(base32Secret: try #require(enrolment.json["secret"]?.stringValue))
            #expect(enrolment.json["uri"]?.stringValue?.hasPrefix("otpauth://totp/") == true)
            #expect(try await server.send(.post, "/v1/auth/totp/confirm", token: alice.token, json: ["code": "000000"]).errorCode == "invalid_credentials")
            let confirmed = try await server.send(.post, "/v1/auth/totp/confirm", token: alice.token, json: ["code": .string(authenticator.code(at: Date()))])
            #expect(confirmed.status == 200 && confirmed.json["recoveryCodes"]?.arrayValue?.count == 10)

            let login = try await server.send(.post, "/v1/auth/login", json: ["email": "alice@example.com", "password": "correct horse"])
            let challenge = try #require(login.json["secondFactor"]?["challenge"]?.stringValue)
            let recovery = try #require(confirmed.json["recoveryCodes"]?[0]?.stringValue)
            let completed = try await server.send(.post, "/v1/auth/second-factor", json: ["challenge": .string(challenge), "code": .string(recovery)])
            #expect(completed.status == 200 && completed.json["methods"]?.arrayValue?.contains("mfa") == true)
            let token = try #require(completed.json["accessToken"]?.stringValue)

            #expect(try await server.send(.delete, "/v1/auth/totp", token: token).errorCode == "invalid_credentials")
            let second = try #require(confirmed.json["recoveryCodes"]?[1]?.stringValue)
            #expect(try await server.send(.delete, "/v1/auth/totp", token: token, json: ["code": .string(second)]).status == 204)
            #expect(try await server.send(.post, "/v1/auth/login", json: ["email": "alice@example.com", "password": "correct horse"]).json["accessToken"] != nil)
        }
    }

    @Test("admins change roles and disable accounts; nobody else can, and a disabled account's tokens stop working")
    func administration() async throws {
        try await ServerFixture.with { server in
            let alice = try await server.user("alice@example.com")
            let bob = try await server.user("bob@example.com")
            let escalate = try await server.send(.patch, "/v1/auth/users/\(alice.id)", token: alice.token, json: ["roles": ["admin"]])
            #expect(escalate.status == 403 || escalate.status == 404)
            #expect(try await server.send(.patch, "/v1/auth/users/\(alice.id)", token: bob.token, json: ["disabled": true]).status >= 403)
            #expect(try await server.send(.patch, "/v1/auth/users/\(alice.id)", token: server.adminKey, json: ["owner": "x"]).status == 400)
            let promoted = try await server.send(.patch, "/v1/auth/users/\(alice.id)", token: server.adminKey, json: ["roles": ["member", "editor"]])
            #expect(promoted.status == 200 && promoted.json["roles"] == ["editor", "member"])
            #expect(try await server.send(.get, "/v1/storage/buckets", token: bob.token).status == 200)
            let disabled = try await server.send(.patch, "/v1/auth/users/\(bob.id)", token: server.adminKey, json: ["disabled": true])
            #expect(disabled.status == 200)
            #expect(try await server.send(.get, "/v1/storage/buckets", token: bob.token).status == 401)
            #expect(try await server.send(.post, "/v1/auth/login", json: ["email": "bob@example.com", "password": "correct horse"]).status == 401)
        }
    }

    @Test("OAuth sign-in through a provider on 127.0.0.1: start, follow the redirect, complete, use the token")
    func oauth() async throws {
        let provider = try BehaviourServer.start(script: "fake_oidc_provider.py")
        let redirect = "https://app.test/auth/callback"
        try await ServerFixture.with(configure: {
            $0.oauthProviders = [.openIDConnect(name: "fake", issuer: provider.baseURL, clientID: "pipe-client", clientSecret: "pipe-secret")]
            $0.oauthRedirectURIs = [redirect]
        }) { server in
            let encoded = redirect.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let start = try await server.send(.get, "/v1/auth/oauth/fake/start?redirect_uri=\(encoded)")
            #expect(start.status == 200, "\(String(decoding: start.body, as: UTF8.self))")
            let url = try #require(start.json["url"]?.stringValue.flatMap { URL(string: $0) })
            let browser = try await server.http.send(HTTPRequest(url: url))
            let location = try #require(browser.headers["Location"].flatMap { URLComponents(string: $0) })
            let code = try #require(location.queryItems?.first { $0.name == "code" }?.value)
            let state = try #require(location.queryItems?.first { $0.name == "state" }?.value)
            #expect(state == start.json["state"]?.stringValue)

            let completed = try await server.send(
                .post, "/v1/auth/oauth/fake/callback", json: ["state": .string(state), "code": .string(code), "redirectUri": .string(redirect)])
            #expect(completed.status == 200 && completed.json["methods"] == ["fed"], "\(String(decoding: completed.body, as: UTF8.self))")
            let token = try #require(completed.json["accessToken"]?.stringValue)
            #expect(try await server.send(.get, "/v1/auth/me", token: token).json["email"] == "ada@example.com")
            // The state is single-use; unknown providers and redirect URIs off the list are refused.
            let replay = try await server.send(
                .post, "/v1/auth/oauth/fake/callback", json: ["state": .string(state), "code": .string(code), "redirectUri": .string(redirect)])
            #expect(replay.status == 400 && replay.errorCode == "oauth_failed")
            #expect(try await server.send(.get, "/v1/auth/oauth/nope/start?redirect_uri=\(encoded)").status == 404)
            #expect(try await server.send(.get, "/v1/auth/oauth/fake/start?redirect_uri=https%3A%2F%2Fevil.test%2F").errorCode == "oauth_failed")
            #expect(try await server.send(.get, "/v1/auth/oauth/fake/start").status == 400)
        }
        provider.stop()
    }
}

import Foundation
import PipeCore
import PipeHTTP
import PipeTestSupport
import Testing

@testable import PipeAuth

/// End-to-end OAuth / OpenID Connect logins against a real provider on 127.0.0.1
/// (`Tests/PipeHTTPTests/Servers/fake_oidc_provider.py`, with its own keys).
@Suite("OAuth and OpenID Connect against a local provider", .serialized)
struct OAuthTests {
    // One provider and one client for the whole suite: the provider starts in about a second (it makes an RSA key).
    private static let shared = Result { () throws -> (BehaviourServer, CurlHTTPClient) in
        (try BehaviourServer.start(script: "fake_oidc_provider.py"), try CurlHTTPClient())
    }
    let provider: BehaviourServer
    let http: CurlHTTPClient
    static let redirect = "https://app.test/auth/callback"

    init() throws {
        (provider, http) = try Self.shared.get()
    }

    func fixture(issuer: String? = nil, clock: TestClock = TestClock(Date())) async throws -> AuthFixture {
        let base = provider.baseURL
        return try await AuthFixture(
            configure: {
                $0.providers = [
                    .openIDConnect(name: "fake", issuer: issuer ?? base, clientID: "pipe-client", clientSecret: "pipe-secret"),
                    .github(clientID: "pipe-client", clientSecret: "pipe-secret", webURL: base, apiURL: base),
                ]
                $0.redirectURIs = [Self.redirect, "http://127.0.0.1:8080/cb"]
            }, http: http, clock: clock)
    }

    /// Plays the browser: opens the authorization URL (plus test knobs) and reads `code` and `state` from the
    /// redirect.
    func authorize(_ start: OAuthStart, _ knobs: String = "") async throws -> (code: String, state: String) {
        let url = try #require(URL(string: start.authorizationURL.absoluteString + knobs))
        let response = try await http.send(HTTPRequest(url: url))
        #expect(response.status == 302)
        let location = try #require(response.headers["Location"].flatMap { URLComponents(string: $0) })
        let items = location.queryItems ?? []
        let code = try #require(items.first { $0.name == "code" }?.value)
        let state = try #require(items.first { $0.name == "state" }?.value)
        return (code, state)
    }

    func login(_ fixture: AuthFixture, _ name: String = "fake", knobs: String = "") async throws -> TokenPair {
        let start = try await fixture.auth.beginOAuth(provider: name, redirectURI: Self.redirect)
        let (code, state) = try await authorize(start, knobs)
        #expect(state == start.state)
        return try await fixture.auth.completeOAuth(provider: name, redirectURI: Self.redirect, state: state, code: code)
    }

    func stats() async throws -> JSONValue {
        try JSONValue(parsing: try await http.send(HTTPRequest(url: URL(string: provider.url("/stats"))!)).body)
    }

    @Test("an OIDC login verifies the id token, creates and then finds the account, and says amr fed")
    func openIDConnectLogin() async throws {
        let fixture = try await fixture()
        defer { fixture.remove() }
        let keyFetchesBefore = try await stats()["jwks_requests"]?.intValue ?? 0
        let start = try await fixture.auth.beginOAuth(provider: "fake", redirectURI: Self.redirect)
        let query = try #require(URLComponents(url: start.authorizationURL, resolvingAgainstBaseURL: false)?.queryItems)
        func item(_ name: String) -> String? { query.first { $0.name == name }?.value }
        #expect(item("code_challenge_method") == "S256" && item("code_challenge")?.count == 43)
        #expect(item("nonce")?.count == 43 && item("redirect_uri") == Self.redirect && item("scope") == "openid email profile")

        let (code, state) = try await authorize(start)
        let pair = try await fixture.auth.completeOAuth(provider: "fake", redirectURI: Self.redirect, state: state, code: code)
        #expect(pair.methods == ["fed"])
        let user = try await fixture.auth.user(pair.userID, as: Principal(id: pair.userID))
        #expect(user.email == "ada@example.com" && user.emailVerified && user.displayName == "Ada Lovelace" && !user.hasPassword)

        let again = try await login(fixture, knobs: "&mode=rs256")
        #expect(again.userID == pair.userID)
        let other = try await login(fixture, knobs: "&login_hint=user-2&email=grace@example.com&mode=aud_array")
        #expect(other.userID != pair.userID)
        // Keys were fetched once and cached across the logins.
        #expect(try await stats()["jwks_requests"]?.intValue == keyFetchesBefore + 1)
    }

    @Test(
        "id tokens with a bad iss, aud, nonce, signature, algorithm, key, expiry or shape are refused",
        arguments: [
            "bad_iss", "bad_aud", "bad_nonce", "missing_nonce", "expired", "future_iat", "bad_signature", "unknown_kid",
            "alg_none", "hs256_public_key", "garbage", "oversized", "missing_id_token", "html",
        ])
    func hostileIDTokens(mode: String) async throws {
        let fixture = try await fixture()
        defer { fixture.remove() }
        let error = await pipeError { _ = try await self.login(fixture, knobs: "&mode=\(mode)") }
        #expect(error?.code == .oauthFailed, "mode \(mode): \(String(describing: error))")
        let expected = ["garbage": "id_token", "oversized": "provider_response", "missing_id_token": "provider_response", "html": "provider_response"]
        if mode == "oversized" {
            #expect(["id_token", "provider_response"].contains(error?.details["reason"] ?? ""))
        } else {
            #expect(error?.details["reason"] == expected[mode] ?? "id_token", "mode \(mode): \(String(describing: error))")
        }
        #expect(try await fixture.auth.auditEvents(for: nil, as: try await fixture.admin()).contains { $0.kind == .loginFailed })
    }

    @Test("state: missing, unknown, replayed, expired, or from another provider is refused")
    func state() async throws {
        let fixture = try await fixture()
        defer { fixture.remove() }
        let start = try await fixture.auth.beginOAuth(provider: "fake", redirectURI: Self.redirect)
        let (code, state) = try await authorize(start)
        for bad in ["", "x", AuthService.newSecret()] {
            let error = await pipeError { _ = try await fixture.auth.completeOAuth(provider: "fake", redirectURI: Self.redirect, state: bad, code: code) }
            #expect(error?.code == .oauthFailed && error?.details["reason"] == "state")
        }
        _ = try await fixture.auth.completeOAuth(provider: "fake", redirectURI: Self.redirect, state: state, code: code)
        let replay = await pipeError { _ = try await fixture.auth.completeOAuth(provider: "fake", redirectURI: Self.redirect, state: state, code: code) }
        #expect(replay?.details["reason"] == "state")

        let slow = try await fixture.auth.beginOAuth(provider: "fake", redirectURI: Self.redirect)
        let (slowCode, slowState) = try await authorize(slow)
        fixture.clock.advance(601)
        let expired = await pipeError { _ = try await fixture.auth.completeOAuth(provider: "fake", redirectURI: Self.redirect, state: slowState, code: slowCode) }
        #expect(expired?.details["reason"] == "state")

        let forGitHub = try await fixture.auth.beginOAuth(provider: "github", redirectURI: Self.redirect)
        let crossed = await pipeError { _ = try await fixture.auth.completeOAuth(provider: "fake", redirectURI: Self.redirect, state: forGitHub.state, code: "c") }
        #expect(crossed?.details["reason"] == "provider")
    }

    @Test("redirect URIs must match the allow-list exactly")
    func redirectURIs() async throws {
        let fixture = try await fixture()
        defer { fixture.remove() }
        let variants = [
            Self.redirect + "/", Self.redirect + "?next=/admin", Self.redirect + "#x", "https://app.test@evil.example/auth/callback",
            "https://app.test:8443/auth/callback", "http://app.test/auth/callback", "https://APP.test/auth/callback",
            "https://app.test/auth/callback/../callback", "http://127.0.0.1:8081/cb", "https://evil.example/auth/callback",
        ]
        for uri in variants {
            let error = await pipeError { _ = try await fixture.auth.beginOAuth(provider: "fake", redirectURI: uri) }
            #expect(error?.code == .oauthFailed && error?.details["reason"] == "redirect_uri", "\(uri)")
        }
        // The callback must arrive at the redirect URI the login started with.
        let start = try await fixture.auth.beginOAuth(provider: "fake", redirectURI: Self.redirect)
        let (code, state) = try await authorize(start)
        let error = await pipeError { _ = try await fixture.auth.completeOAuth(provider: "fake", redirectURI: "http://127.0.0.1:8080/cb", state: state, code: code) }
        #expect(error?.details["reason"] == "redirect_uri")
    }

    @Test("a code exchanged with another login's PKCE verifier is refused by the provider")
    func wrongVerifier() async throws {
        let fixture = try await fixture()
        defer { fixture.remove() }
        let first = try await fixture.auth.beginOAuth(provider: "fake", redirectURI: Self.redirect)
        let second = try await fixture.auth.beginOAuth(provider: "fake", redirectURI: Self.redirect)
        let (code, _) = try await authorize(first)
        // The second attempt's state (and so its verifier) with the first attempt's code.
        let error = await pipeError { _ = try await fixture.auth.completeOAuth(provider: "fake", redirectURI: Self.redirect, state: second.state, code: code) }
        #expect(error?.code == .oauthFailed && error?.details["reason"] == "provider_status")
    }

    @Test("GitHub: identity by numeric id, email only when verified and primary")
    func github() async throws {
        let fixture = try await fixture()
        defer { fixture.remove() }
        let pair = try await login(fixture, "github")
        let user = try await fixture.auth.user(pair.userID, as: Principal(id: pair.userID))
        #expect(user.email == "ada@example.com" && user.emailVerified && user.displayName == "Ada Lovelace")
        #expect(try await login(fixture, "github").userID == pair.userID)
        let unverified = try await login(fixture, "github", knobs: "&github_id=77&email=mallory@example.com&email_verified=false")
        #expect(try await fixture.auth.user(unverified.userID, as: Principal(id: unverified.userID)).email == nil)
        let error = await pipeError { _ = try await self.login(fixture, "github", knobs: "&github_id=78&mode=string_id") }
        #expect(error?.details["reason"] == "provider_response")
    }

    @Test("a provider email matching an unverified account is refused; a signed-in user links explicitly")
    func linking() async throws {
        // The provider stamps its tokens with the real time, so this test's clock starts in the past and catches up.
        let fixture = try await fixture(clock: TestClock(Date().addingTimeInterval(-700)))
        defer { fixture.remove() }
        let ada = try await fixture.auth.createUser(email: "ada@example.com", password: "correct horse")
        let stale = try await fixture.signIn("ada@example.com", "correct horse")
        fixture.clock.advance(700)
        let error = await pipeError { _ = try await self.login(fixture) }
        #expect(error?.details["reason"] == "email_in_use")

        // Linking needs a fresh, unscoped login of a user: a stale session or a scoped key is refused.
        let staleToken = try await fixture.auth.refresh(stale.refreshToken)
        let staleClaims = try fixture.auth.tokens.verify(staleToken.accessToken, at: fixture.clock.now)
        #expect(await pipeError { _ = try await fixture.auth.beginOAuth(provider: "fake", redirectURI: Self.redirect, linkingTo: staleClaims) }?.code == .forbidden)
        let fresh = try await fixture.signIn("ada@example.com", "correct horse")
        let claims = try fixture.auth.tokens.verify(fresh.accessToken, at: fixture.clock.now)
        let scoped = AccessToken(
            subject: claims.subject, kind: .user, sessionID: claims.sessionID, roles: claims.roles, scopes: ["storage:read"],
            methods: claims.methods, issuedAt: claims.issuedAt, expiresAt: claims.expiresAt, tokenID: claims.tokenID)
        #expect(await pipeError { _ = try await fixture.auth.beginOAuth(provider: "fake", redirectURI: Self.redirect, linkingTo: scoped) }?.code == .forbidden)

        // Signing out everywhere between the start and the callback cancels the link.
        let cancelled = try await fixture.auth.beginOAuth(provider: "fake", redirectURI: Self.redirect, linkingTo: claims)
        let (cancelledCode, cancelledState) = try await authorize(cancelled)
        try await fixture.auth.revokeAllSessions(of: ada.id, as: ada.principal)
        #expect(await pipeError {
            _ = try await fixture.auth.completeOAuth(provider: "fake", redirectURI: Self.redirect, state: cancelledState, code: cancelledCode)
        }?.code == .forbidden)

        let again = try await fixture.signIn("ada@example.com", "correct horse")
        let claims2 = try fixture.auth.tokens.verify(again.accessToken, at: fixture.clock.now)
        let start = try await fixture.auth.beginOAuth(provider: "fake", redirectURI: Self.redirect, linkingTo: claims2)
        let (code, state) = try await authorize(start)
        let pair = try await fixture.auth.completeOAuth(provider: "fake", redirectURI: Self.redirect, state: state, code: code)
        #expect(pair.userID == ada.id)
        #expect(try await login(fixture).userID == ada.id)
        let kinds = try await fixture.auth.auditEvents(for: ada.id, as: ada.principal).map(\.kind)
        #expect(kinds.contains(.identityLinked))
    }

    @Test("the discovery document must name the configured issuer, and providers must use https off loopback")
    func discoveryRules() async throws {
        let mismatched = try await fixture(issuer: "http://localhost:\(provider.port)")
        defer { mismatched.remove() }
        let error = await pipeError { _ = try await mismatched.auth.beginOAuth(provider: "fake", redirectURI: Self.redirect) }
        #expect(error?.details["reason"] == "discovery_issuer")
        let insecure = await pipeError {
            _ = try await AuthFixture(configure: {
                $0.providers = [.openIDConnect(name: "plain", issuer: "http://idp.example.com", clientID: "a", clientSecret: "b")]
            }, http: self.http)
        }
        #expect(insecure?.code == .invalidArgument)
    }
}

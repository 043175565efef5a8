import Foundation
import PipeCore
import PipeHTTP
import PipeServer
import Testing

@Suite("Gateway over HTTP", .serialized)
struct GatewayTests {
    @Test("health, the one error format with the request id, and security headers on every response")
    func basics() async throws {
        try await ServerFixture.with { server in
            let live = try await server.send(.get, "/health/live")
            #expect(live.status == 200 && live.json["status"] == "ok")
            #expect(live.headers["X-Content-Type-Options"] == "nosniff" && live.headers["X-Request-Id"] != nil)
            let ready = try await server.send(.get, "/health/ready")
            #expect(ready.status == 200 && ready.json["checks"]?["storage"] == "ok" && ready.json["checks"]?["jobs"] == "ok")

            let missing = try await server.send(.get, "/v1/nothing-here")
            #expect(missing.status == 404 && missing.errorCode == "not_found")
            #expect(missing.json["error"]?["requestId"]?.stringValue == missing.headers["X-Request-Id"])
            let badAuth = try await server.send(.get, "/v1/auth/me", headers: ["Authorization": "Basic abc"])
            #expect(badAuth.status == 401 && badAuth.errorCode == "unauthenticated" && badAuth.headers["WWW-Authenticate"] == "Bearer")
            let badToken = try await server.send(.get, "/v1/auth/me", token: "not.a.token")
            #expect(badToken.status == 401 && badToken.errorCode == "token_invalid")
            let anonymous = try await server.send(.get, "/v1/auth/me")
            #expect(anonymous.status == 401)
            let jwks = try await server.send(.get, "/.well-known/jwks.json")
            #expect(jwks.status == 200 && (jwks.json["keys"]?.arrayValue?.count ?? 0) >= 1)

            // A path that exists with other methods: 405 and the methods it has.
            let wrongMethod = try await server.send(.delete, "/health/live")
            #expect(wrongMethod.status == 405 && wrongMethod.errorCode == "method_not_allowed" && wrongMethod.headers["Allow"] == "GET", "\(wrongMethod.status) \(String(decoding: wrongMethod.body, as: UTF8.self))")
            let object = try await server.send(.post, "/v1/storage/buckets/b1b/objects/a/b/c", token: server.adminKey)
            #expect(object.status == 405 && object.headers["Allow"] == "DELETE, GET, HEAD, PUT")
            #expect(try await server.send(.patch, "/v1/jobs").headers["Allow"] == "GET, POST")
            #expect(try await server.send(.delete, "/v1/nothing-here").status == 404)
        }
    }

    @Test("sign-in, refresh, sign-out, wrong passwords, closed sign-up and smuggled fields")
    func authFlow() async throws {
        try await ServerFixture.with { server in
            let me = try await server.send(.get, "/v1/auth/me", token: server.adminKey)
            #expect(me.status == 200 && me.json["roles"] == ["admin"])

            let created = try await server.send(.post, "/v1/auth/users", token: server.adminKey, json: ["email": "ada@example.com", "password": "correct horse"])
            #expect(created.status == 201 && created.json["email"] == "ada@example.com")
            let closed = try await server.send(.post, "/v1/auth/users", json: ["email": "eve@example.com", "password": "correct horse"])
            #expect(closed.status == 401)
            let smuggled = try await server.send(.post, "/v1/auth/login", json: ["email": "ada@example.com", "password": "correct horse", "roles": ["admin"]])
            #expect(smuggled.status == 400 && smuggled.errorCode == "invalid_argument" && smuggled.json["error"]?["details"]?["field"] == "roles")
            let wrong = try await server.send(.post, "/v1/auth/login", json: ["email": "ada@example.com", "password": "wrong horse"])
            let nobody = try await server.send(.post, "/v1/auth/login", json: ["email": "nobody@example.com", "password": "wrong horse"])
            #expect(wrong.status == 401 && wrong.errorCode == "invalid_credentials" && nobody.errorCode == "invalid_credentials")
            #expect(wrong.json["error"]?["message"] == nobody.json["error"]?["message"])
            let notJSON = try await server.send(.post, "/v1/auth/login", body: Array("{nope".utf8))
            #expect(notJSON.status == 400 && notJSON.errorCode == "invalid_json")

            let login = try await server.send(.post, "/v1/auth/login", json: ["email": "ada@example.com", "password": "correct horse"])
            let access = try #require(login.json["accessToken"]?.stringValue)
            let refresh = try #require(login.json["refreshToken"]?.stringValue)
            #expect(try await server.send(.get, "/v1/auth/me", token: access).json["email"] == "ada@example.com")
            let next = try await server.send(.post, "/v1/auth/refresh", json: ["refreshToken": .string(refresh)])
            let nextRefresh = try #require(next.json["refreshToken"]?.stringValue)
            #expect(next.status == 200 && nextRefresh != refresh)
            let out = try await server.send(.post, "/v1/auth/logout", json: ["refreshToken": .string(nextRefresh)])
            #expect(out.status == 204)
            let after = try await server.send(.post, "/v1/auth/refresh", json: ["refreshToken": .string(nextRefresh)])
            #expect(after.status == 401 && after.errorCode == "session_invalid")
            let revokedAccess = try await server.send(.get, "/v1/auth/me", token: access)
            #expect(revokedAccess.status == 401)
        }
    }
}

@Suite("CORS", .serialized)
struct CORSTests {
    @Test("only allow-listed origins get CORS headers; preflights are answered before authentication")
    func allowList() async throws {
        try await ServerFixture.with(configure: { $0.corsOrigins = ["https://app.example.com"] }) { server in
            let preflight = try await server.send(
                .options, "/v1/storage/buckets",
                headers: ["Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"])
            #expect(preflight.status == 204 && preflight.headers["Access-Control-Allow-Origin"] == "https://app.example.com")
            #expect(preflight.headers["Access-Control-Allow-Headers"]?.contains("Authorization") == true)
            let allowed = try await server.send(.get, "/health/live", headers: ["Origin": "https://app.example.com"])
            #expect(allowed.headers["Access-Control-Allow-Origin"] == "https://app.example.com" && allowed.headers["Vary"] == "Origin")
            #expect(allowed.headers["Access-Control-Expose-Headers"]?.contains("X-Request-Id") == true)
            for origin in ["https://evil.example", "https://app.example.com.evil.example", "http://app.example.com", "null"] {
                let refused = try await server.send(.get, "/health/live", headers: ["Origin": origin])
                #expect(refused.headers["Access-Control-Allow-Origin"] == nil, "\(origin)")
            }
        }
        #expect(throws: PipeError.self) { try ServerConfiguration.load(file: nil, environment: ["PIPE_CORS_ORIGINS": "https://a.example/path"]) }
    }
}

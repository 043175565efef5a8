import Foundation
import PipeAuth
import PipeCore
import PipeServer
import Testing

@Suite("Server configuration")
struct ConfigurationTests {
    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Loading `text` fails with `invalid_argument` naming `field`.
    func expectRefusal(_ text: String, field: String) throws {
        let path = try file(text)
        do {
            _ = try ServerConfiguration.load(file: path, environment: [:])
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.code == .invalidArgument && error.details["field"] == field, "\(error)")
        }
    }

    @Test("defaults, a YAML or JSON file, and environment variables over the file")
    func loading() throws {
        let defaults = try ServerConfiguration.load(file: nil, environment: [:])
        #expect(defaults.host == "127.0.0.1" && defaults.port == 8080 && defaults.directory == ".pipe" && !defaults.allowSignUp)
        #expect(defaults.baseURL == "http://127.0.0.1:8080")

        let yaml = try file("host: 0.0.0.0\nport: 9000\ndirectory: /srv/pipe\npublicURL: https://pipe.example.com\nallowSignUp: true\n")
        let fromYAML = try ServerConfiguration.load(file: yaml, environment: ["PIPE_PORT": "9100", "PIPE_ALLOW_SIGN_UP": "false"])
        #expect(fromYAML.host == "0.0.0.0" && fromYAML.port == 9100 && fromYAML.directory == "/srv/pipe" && !fromYAML.allowSignUp)
        #expect(fromYAML.baseURL == "https://pipe.example.com")
        let json = try file(#"{"port": 7000, "passwordHashCost": 12}"#)
        let fromJSON = try ServerConfiguration.load(file: json, environment: [:])
        #expect(fromJSON.port == 7000 && fromJSON.passwordHashCost == 12)
    }

    @Test("unknown settings, wrong types and out-of-range values are errors that name the field")
    func errors() throws {
        for (text, field) in [("prot: 80", "prot"), ("port: eighty", "port"), ("allowSignUp: maybe", "allowSignUp")] {
            try expectRefusal(text, field: field)
        }
        #expect(throws: PipeError.self) { try ServerConfiguration.load(file: try file("port: 70000"), environment: [:]) }
        #expect(throws: PipeError.self) { try ServerConfiguration.load(file: try file("publicURL: ftp://x"), environment: [:]) }
        #expect(throws: PipeError.self) { try ServerConfiguration.load(file: "/nonexistent/pipe.yaml", environment: [:]) }
        #expect(throws: PipeError.self) { try ServerConfiguration.load(file: nil, environment: ["PIPE_PORT": "x"]) }
    }

    @Test("the oauth section: providers by type, secrets from the environment, strict fields")
    func oauth() throws {
        let yaml = try file(
            """
            oauth:
              redirectURIs: [https://app.example.com/cb]
              providers:
                - {type: google, clientID: g-id, clientSecretEnv: G_SECRET}
                - {type: oidc, name: corp, issuer: https://login.corp.example, clientID: c-id, clientSecret: c-secret, scopes: [email]}
                - {type: github, clientID: gh-id, clientSecret: gh-secret}
            """)
        let loaded = try ServerConfiguration.load(file: yaml, environment: ["G_SECRET": "from-env"])
        #expect(loaded.oauthProviders.map(\.name) == ["google", "corp", "github"])
        #expect(loaded.oauthProviders[0].clientSecret == "from-env" && loaded.oauthProviders[1].scopes == ["openid", "email"])
        #expect(loaded.oauthRedirectURIs == ["https://app.example.com/cb"])
        for (text, field) in [
            ("oauth: {providers: [{type: google, clientID: x}]}", "oauth.providers[0].clientSecret"),
            ("oauth: {providers: [{type: google, clientID: x, clientSecretEnv: MISSING}]}", "oauth.providers[0].clientSecretEnv"),
            ("oauth: {providers: [{type: saml, clientID: x, clientSecret: y}]}", "oauth.providers[0].type"),
            ("oauth: {providers: [{type: oidc, clientID: x, clientSecret: y, issuer: https://a}]}", "oauth.providers[0].name"),
            ("oauth: {providers: [{type: google, clientID: x, clientSecret: y, tenant: z}]}", "oauth.providers[0].tenant"),
            ("oauth: {redirect: []}", "oauth.redirect"),
        ] {
            try expectRefusal(text, field: field)
        }
    }
}

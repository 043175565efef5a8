import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An OAuth 2.0 / OpenID Connect provider users may sign in with.
///
/// ```swift
/// configuration.providers = [
///     .google(clientID: "…apps.googleusercontent.com", clientSecret: env["GOOGLE_SECRET"]!),
///     .github(clientID: "Iv1.…", clientSecret: env["GITHUB_SECRET"]!),
///     .openIDConnect(name: "okta", issuer: "https://example.okta.com", clientID: "…", clientSecret: "…"),
/// ]
/// configuration.redirectURIs = ["https://app.example.com/auth/callback"]
/// ```
///
/// Provider endpoints must be `https`, except on loopback hosts (`127.0.0.1`, `::1`, `localhost`) for local
/// development and tests.
public struct OAuthProvider: Sendable, Hashable {
    /// How the provider identifies users.
    public enum Flavor: Sendable, Hashable {
        /// OpenID Connect: endpoints from the discovery document at `issuer` + `/.well-known/openid-configuration`,
        /// identity from a verified id token. `alternateIssuers` are other spellings the provider puts in `iss`
        /// (Google also uses `accounts.google.com`).
        case openIDConnect(issuer: String, alternateIssuers: [String])
        /// GitHub's OAuth 2 (no id token): identity from the user API, email from the verified primary address.
        case github(webURL: String, apiURL: String)
    }

    /// The name used in URLs and identity records: `google`, `github`, or a configured one (1–32 characters of
    /// `[a-z0-9_-]`).
    public let name: String
    /// The OAuth client id registered with the provider.
    public let clientID: String
    /// The OAuth client secret.
    public let clientSecret: String
    /// The scopes asked for.
    public let scopes: [String]
    /// OpenID Connect or GitHub.
    public let flavor: Flavor

    /// A provider from its parts; prefer ``google(clientID:clientSecret:)``, ``github(clientID:clientSecret:webURL:apiURL:)``
    /// and ``openIDConnect(name:issuer:clientID:clientSecret:scopes:)``.
    ///
    /// - Parameters:
    ///   - name: the provider's name.
    ///   - clientID: the client id.
    ///   - clientSecret: the client secret.
    ///   - scopes: the scopes.
    ///   - flavor: the protocol.
    public init(name: String, clientID: String, clientSecret: String, scopes: [String], flavor: Flavor) {
        self.name = name
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scopes = scopes
        self.flavor = flavor
    }

    /// Google, through OpenID Connect discovery at `https://accounts.google.com`.
    ///
    /// - Parameters:
    ///   - clientID: the OAuth client id from the Google Cloud console.
    ///   - clientSecret: its secret.
    public static func google(clientID: String, clientSecret: String) -> OAuthProvider {
        OAuthProvider(
            name: "google", clientID: clientID, clientSecret: clientSecret, scopes: ["openid", "email", "profile"],
            flavor: .openIDConnect(issuer: "https://accounts.google.com", alternateIssuers: ["accounts.google.com"]))
    }

    /// GitHub (or GitHub Enterprise at other URLs).
    ///
    /// - Parameters:
    ///   - clientID: the OAuth app's client id.
    ///   - clientSecret: its secret.
    ///   - webURL: where `/login/oauth/authorize` and `/login/oauth/access_token` are.
    ///   - apiURL: where `/user` and `/user/emails` are.
    public static func github(
        clientID: String, clientSecret: String, webURL: String = "https://github.com",
        apiURL: String = "https://api.github.com"
    ) -> OAuthProvider {
        OAuthProvider(
            name: "github", clientID: clientID, clientSecret: clientSecret, scopes: ["read:user", "user:email"],
            flavor: .github(webURL: webURL, apiURL: apiURL))
    }

    /// Any OpenID Connect provider, by discovery from its issuer.
    ///
    /// - Parameters:
    ///   - name: the name to use for it.
    ///   - issuer: its issuer URL, exactly as in its tokens' `iss`.
    ///   - clientID: the client id.
    ///   - clientSecret: the client secret.
    ///   - scopes: the scopes (`openid` is required and added when missing).
    public static func openIDConnect(
        name: String, issuer: String, clientID: String, clientSecret: String,
        scopes: [String] = ["openid", "email", "profile"]
    ) -> OAuthProvider {
        OAuthProvider(
            name: name, clientID: clientID, clientSecret: clientSecret,
            scopes: scopes.contains("openid") ? scopes : ["openid"] + scopes,
            flavor: .openIDConnect(issuer: issuer, alternateIssuers: []))
    }

    func validated() throws(PipeError) -> OAuthProvider {
        guard (1...32).contains(name.utf8.count),
            name.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") })
        else { throw PipeError(.invalidArgument, "a provider name must be 1–32 characters of [a-z0-9_-]") }
        guard !clientID.isEmpty, !clientSecret.isEmpty else {
            throw PipeError(.invalidArgument, "provider \(name) needs a client id and secret")
        }
        switch flavor {
        case .openIDConnect(let issuer, _): _ = try Self.endpoint(issuer, provider: name)
        case .github(let web, let api):
            _ = try Self.endpoint(web, provider: name)
            _ = try Self.endpoint(api, provider: name)
        }
        return self
    }

    /// `text` as a URL, refused unless it is `https`, or `http` to a loopback host.
    static func endpoint(_ text: String, provider: String) throws(PipeError) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(),
            url.user == nil, url.password == nil
        else { throw PipeError(.invalidArgument, "provider \(provider): \(text) is not an absolute URL") }
        let loopback = ["127.0.0.1", "::1", "[::1]", "localhost"].contains(host)
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw PipeError(.invalidArgument, "provider \(provider): \(text) must use https")
        }
        return url
    }
}

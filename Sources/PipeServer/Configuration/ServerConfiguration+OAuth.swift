import Foundation
import PipeAuth
import PipeCore

/// The `oauth` section of the configuration file: sign-in providers and the redirect URIs they may return to.
///
/// ```yaml
/// oauth:
///   redirectURIs: [https://app.example.com/auth/callback]
///   providers:
///     - type: google                  # google, github or oidc
///       clientID: 1234.apps.googleusercontent.com
///       clientSecretEnv: GOOGLE_CLIENT_SECRET   # or clientSecret (kept out of the file is better)
///     - type: oidc
///       name: corp
///       issuer: https://login.corp.example
///       clientID: pipe
///       clientSecretEnv: CORP_CLIENT_SECRET
///       scopes: [openid, email]
/// ```
extension ServerConfiguration {
    static let oauthFields: Set<String> = ["redirectURIs", "providers"]
    static let providerFields: Set<String> = [
        "type", "name", "issuer", "clientID", "clientSecret", "clientSecretEnv", "scopes", "webURL", "apiURL",
    ]

    /// Reads the `oauth` section; secrets named by `clientSecretEnv` come from `environment`.
    mutating func setOAuth(_ value: Any, source: String, environment: [String: String]) throws(PipeError) {
        func invalid(_ field: String, _ message: String) -> PipeError {
            PipeError(.invalidArgument, "\(source): oauth.\(field) \(message)", details: ["field": "oauth.\(field)"])
        }
        guard let section = value as? [String: Any] else { throw invalid("", "must be a mapping") }
        if let unknown = section.keys.first(where: { !Self.oauthFields.contains($0) }) {
            throw invalid(unknown, "is not a setting")
        }
        if let uris = section["redirectURIs"] {
            guard let list = uris as? [String] else { throw invalid("redirectURIs", "must be a list of URLs") }
            oauthRedirectURIs = Set(list)
        }
        guard let providers = section["providers"] else { return }
        guard let list = providers as? [[String: Any]] else { throw invalid("providers", "must be a list of mappings") }
        oauthProviders = []
        for (index, fields) in list.enumerated() {
            let at = "providers[\(index)]"
            if let unknown = fields.keys.first(where: { !Self.providerFields.contains($0) }) {
                throw invalid("\(at).\(unknown)", "is not a setting")
            }
            func text(_ key: String) throws(PipeError) -> String? {
                guard let value = fields[key] else { return nil }
                guard let string = value as? String, !string.isEmpty else { throw invalid("\(at).\(key)", "must be a string") }
                return string
            }
            func required(_ key: String) throws(PipeError) -> String {
                guard let value = try text(key) else { throw invalid("\(at).\(key)", "is required") }
                return value
            }
            var secret = try text("clientSecret")
            if let variable = try text("clientSecretEnv") {
                guard let value = environment[variable], !value.isEmpty else {
                    throw invalid("\(at).clientSecretEnv", "names \(variable), which is not set")
                }
                secret = value
            }
            guard let secret else { throw invalid("\(at).clientSecret", "or clientSecretEnv is required") }
            let clientID = try required("clientID")
            switch try required("type") {
            case "google":
                oauthProviders.append(.google(clientID: clientID, clientSecret: secret))
            case "github":
                oauthProviders.append(
                    .github(
                        clientID: clientID, clientSecret: secret, webURL: try text("webURL") ?? "https://github.com",
                        apiURL: try text("apiURL") ?? "https://api.github.com"))
            case "oidc":
                var scopes = ["openid", "email", "profile"]
                if let given = fields["scopes"] {
                    guard let list = given as? [String] else { throw invalid("\(at).scopes", "must be a list of strings") }
                    scopes = list
                }
                oauthProviders.append(
                    .openIDConnect(
                        name: try required("name"), issuer: try required("issuer"), clientID: clientID, clientSecret: secret,
                        scopes: scopes))
            default:
                throw invalid("\(at).type", "must be google, github or oidc")
            }
        }
    }
}

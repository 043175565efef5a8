import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// GitHub's OAuth 2 flow: no id token, so the identity is the numeric user id from `GET /user` and the email is the
/// primary address from `GET /user/emails`, used only when GitHub marks it verified.
struct GitHubClient: Sendable {
    let provider: OAuthProvider
    let webURL: String
    let apiURL: String
    let calls: ProviderCalls

    init(provider: OAuthProvider, webURL: String, apiURL: String, http: any HTTPTransport) {
        self.provider = provider
        self.webURL = webURL.hasSuffix("/") ? String(webURL.dropLast()) : webURL
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        calls = ProviderCalls(provider: provider.name, http: http)
    }

    var authorizationEndpoint: URL {
        get throws(PipeError) { try OAuthProvider.endpoint(webURL + "/login/oauth/authorize", provider: provider.name) }
    }

    func identity(code: String, redirectURI: String, verifier: String) async throws(PipeError) -> ProviderIdentity {
        let tokenURL = try OAuthProvider.endpoint(webURL + "/login/oauth/access_token", provider: provider.name)
        let response = try await calls.json(
            ProviderCalls.formPost(
                tokenURL,
                [
                    ("client_id", provider.clientID), ("client_secret", provider.clientSecret), ("code", code),
                    ("redirect_uri", redirectURI), ("code_verifier", verifier),
                ]))
        // GitHub reports a bad code with HTTP 200 and an `error` member.
        if let error = response["error"]?.stringValue {
            throw calls.failure("provider_error", "refused the code (\(String(error.prefix(64))))")
        }
        let accessToken = try calls.string(response, "access_token")
        let headers: HTTPHeaders = ["Authorization": "Bearer " + accessToken, "X-GitHub-Api-Version": "2022-11-28"]
        let user = try await calls.json(
            HTTPRequest(url: try OAuthProvider.endpoint(apiURL + "/user", provider: provider.name), headers: headers))
        guard case .number(let number)? = user["id"], let id = number.exactInt, id > 0 else {
            throw calls.failure("provider_response", "the user has no numeric id")
        }
        let emails = try await calls.json(
            HTTPRequest(url: try OAuthProvider.endpoint(apiURL + "/user/emails", provider: provider.name), headers: headers))
        var email: String?
        for entry in (emails.arrayValue ?? []).prefix(100)
        where entry["primary"]?.boolValue == true && entry["verified"]?.boolValue == true {
            email = entry["email"]?.stringValue.flatMap { try? AuthService.normalizedEmail($0) }
        }
        return ProviderIdentity(
            subject: String(id), verifiedEmail: email,
            name: (user["name"]?.stringValue ?? user["login"]?.stringValue).map { String($0.prefix(200)) })
    }
}

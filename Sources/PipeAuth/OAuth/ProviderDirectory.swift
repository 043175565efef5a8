import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The configured providers by name, each with its client.
struct ProviderDirectory: Sendable {
    enum Client: Sendable {
        case openIDConnect(OpenIDConnectClient)
        case github(GitHubClient)
    }

    let clients: [String: (provider: OAuthProvider, client: Client)]

    init(_ providers: [OAuthProvider], http: (any HTTPTransport)?) throws(PipeError) {
        var clients: [String: (OAuthProvider, Client)] = [:]
        for provider in providers {
            let provider = try provider.validated()
            guard clients[provider.name] == nil else {
                throw PipeError(.invalidArgument, "provider \(provider.name) is configured twice")
            }
            guard let http else {
                throw PipeError(.invalidArgument, "OAuth providers need an HTTP transport")
            }
            switch provider.flavor {
            case .openIDConnect(let issuer, let alternates):
                clients[provider.name] = (
                    provider,
                    .openIDConnect(OpenIDConnectClient(provider: provider, issuer: issuer, alternateIssuers: alternates, http: http))
                )
            case .github(let web, let api):
                clients[provider.name] = (provider, .github(GitHubClient(provider: provider, webURL: web, apiURL: api, http: http)))
            }
        }
        self.clients = clients
    }

    func client(_ name: String) throws(PipeError) -> (provider: OAuthProvider, client: Client) {
        guard let entry = clients[name] else {
            throw PipeError(.notFound, "no provider named \(String(name.prefix(32)))", details: ["reason": "provider"])
        }
        return entry
    }
}

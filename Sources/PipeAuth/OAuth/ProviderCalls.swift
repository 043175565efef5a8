import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Calls to a provider, whose answers are untrusted input: bounded in time and size, parsed as JSON with a depth
/// limit, and checked field by field.
struct ProviderCalls: Sendable {
    let provider: String
    let http: any HTTPTransport

    static let maximumResponseBytes = 256 * 1024
    static let parsing = JSONParsingOptions(maxDepth: 16, maxBytes: maximumResponseBytes)
    static let timeout: Duration = .seconds(15)

    func failure(_ reason: String, _ message: String) -> PipeError {
        PipeError(.oauthFailed, "\(provider): \(message)", details: ["reason": reason, "provider": provider])
    }

    /// Sends `request` and returns the JSON body (an object, or an array when `allowArray`), refusing
    /// anything else.
    func json(_ request: HTTPRequest, accepting statuses: ClosedRange<Int> = 200...299) async throws(PipeError)
        -> JSONValue
    {
        var request = request
        request.timeout = request.timeout ?? Self.timeout
        request.headers.replaceOrAdd(name: "Accept", value: "application/json")
        request.headers.replaceOrAdd(name: "User-Agent", value: "pipe-auth")
        let response: HTTPResponse
        do {
            response = try await http.send(request)
        } catch {
            throw PipeError(
                .unavailable, "\(provider) could not be reached: \(error.message)",
                details: ["reason": "provider_unreachable", "provider": provider])
        }
        guard response.body.count <= Self.maximumResponseBytes else {
            throw failure("provider_response", "the response is too large")
        }
        guard statuses.contains(response.status) else {
            throw failure("provider_status", "answered HTTP \(response.status)\(Self.oauthError(in: response.body))")
        }
        guard let value = try? JSONValue(parsing: response.body, options: Self.parsing),
            value.objectValue != nil || value.arrayValue != nil
        else { throw failure("provider_response", "the response is not a JSON object") }
        return value
    }

    /// ` (error: …)` from an OAuth error body, bounded, for messages.
    static func oauthError(in body: [UInt8]) -> String {
        guard let value = try? JSONValue(parsing: body, options: parsing), let code = value["error"]?.stringValue else {
            return ""
        }
        return " (error: \(String(code.prefix(64))))"
    }

    /// A required string member of at most `limit` bytes.
    func string(_ value: JSONValue, _ key: String, limit: Int = 2048) throws(PipeError) -> String {
        guard let text = value[key]?.stringValue, !text.isEmpty, text.utf8.count <= limit else {
            throw failure("provider_response", "the response has no valid \(key)")
        }
        return text
    }

    /// A form-encoded POST to a token endpoint.
    static func formPost(_ url: URL, _ pairs: [(String, String)], headers: HTTPHeaders = [:]) -> HTTPRequest {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: "application/x-www-form-urlencoded")
        return HTTPRequest(method: .post, url: url, headers: headers, body: Array(FormEncoding.encode(pairs).utf8))
    }
}

/// Who a provider says signed in.
struct ProviderIdentity: Sendable, Hashable {
    /// The provider's stable id for the user.
    let subject: String
    /// The email, only when the provider says it is verified.
    let verifiedEmail: String?
    let name: String?
}

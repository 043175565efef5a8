#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An HTTP request as a transport sends it: the whole body in memory.
///
/// ```swift
/// let request = HTTPRequest(
///     method: .post,
///     url: URL(string: "https://pipe.example.com/v1/jobs")!,
///     headers: ["Content-Type": "application/json"],
///     body: Array(#"{"pipeline": "daily"}"#.utf8),
///     timeout: .seconds(30)
/// )
/// ```
public struct HTTPRequest: Sendable, Hashable {
    /// The method.
    public var method: HTTPMethod
    /// The absolute URL to send the request to.
    public var url: URL
    /// The header fields. The transport adds `Content-Length` (and `Host`) itself.
    public var headers: HTTPHeaders
    /// The body; empty for none.
    public var body: [UInt8]
    /// The most the whole exchange may take, from sending to the last byte of the response; `nil` for the
    /// transport's default.
    public var timeout: Duration?

    /// Makes a request; by default a `GET` with no headers, no body and the transport's default timeout.
    public init(
        method: HTTPMethod = .get,
        url: URL,
        headers: HTTPHeaders = [:],
        body: [UInt8] = [],
        timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

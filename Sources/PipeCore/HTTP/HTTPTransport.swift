/// The HTTP port: sends one request and returns its response.
///
/// The libcurl-based `PipeHTTP` module (a later issue) is to implement it; tests can use a stub that answers from a
/// table. Higher layers (the remote client,
/// OAuth providers) add authentication, retries and decoding around a transport, so implementations stay plain: no
/// retries, no redirects unless configured, no interpretation of the status code.
///
/// A response with any status, 4xx and 5xx included, is returned, not thrown. Errors are for when no response
/// arrived:
/// - ``PipeError/Code/invalidArgument``: the request cannot be sent (bad URL scheme, invalid headers — see
///   ``HTTPHeaders/validate()``, which implementations call before sending);
/// - ``PipeError/Code/timeout``: the request's ``HTTPRequest/timeout`` passed;
/// - ``PipeError/Code/cancelled``: the calling task was cancelled;
/// - ``PipeError/Code/unavailable``: the connection failed (DNS, refused, TLS, reset);
/// - ``PipeError/Code/limitExceeded``: the response was larger than the transport accepts.
///
/// ```swift
/// let response = try await transport.send(HTTPRequest(url: URL(string: "https://pipe.example.com/health/live")!))
/// guard response.isSuccess else { … }
/// ```
public protocol HTTPTransport: Sendable {
    /// Sends `request` and waits for the whole response.
    func send(_ request: HTTPRequest) async throws(PipeError) -> HTTPResponse
}

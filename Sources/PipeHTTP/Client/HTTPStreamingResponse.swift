import PipeCore

/// A response whose head has arrived and whose body is still streaming.
public struct HTTPStreamingResponse: Sendable {
    /// The status code.
    public let status: Int
    /// The protocol version of the status line, e.g. `HTTP/1.1` or `HTTP/2`.
    public let version: String
    /// The header fields.
    public let headers: HTTPHeaders
    /// The body, read as it arrives.
    public let body: HTTPResponseBody

    /// Reads the whole body and returns a complete `HTTPResponse`.
    /// - Throws: `limit_exceeded` past `maximum` bytes, or the transfer's error.
    public func collect(upTo maximum: Int) async throws(PipeError) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: try await body.collect(upTo: maximum))
    }
}

/// How far a transfer has got, reported while it runs.
public struct HTTPProgress: Sendable, Hashable {
    /// Request body bytes sent so far.
    public var bytesSent: Int64
    /// The request body's size, when known.
    public var totalBytesToSend: Int64?
    /// Response body bytes received so far.
    public var bytesReceived: Int64
    /// The response body's size (`Content-Length`), when known.
    public var totalBytesToReceive: Int64?

    /// Makes a progress value.
    public init(bytesSent: Int64, totalBytesToSend: Int64?, bytesReceived: Int64, totalBytesToReceive: Int64?) {
        self.bytesSent = bytesSent
        self.totalBytesToSend = totalBytesToSend
        self.bytesReceived = bytesReceived
        self.totalBytesToReceive = totalBytesToReceive
    }
}

/// The per-transfer limits and options, resolved from the client configuration and the request.
struct TransferSettings: Sendable {
    var connectTimeout: Duration
    var requestTimeout: Duration?
    var stallTimeout: Duration?
    var maxResponseBytes: Int?
    var responseBufferBytes: Int
    /// curl's receive buffer for this transfer.
    var receiveBufferBytes: Int
    var uploadLength: Int64?
    var hasBody: Bool
    /// A file descriptor a successful (2xx) response body is written to on the loop thread,
    /// instead of being handed to a reader; the caller owns and closes it.
    var bodyFileDescriptor: Int32? = nil
}

/// The per-transfer limits and options, resolved from the client configuration and the request.
struct TransferSettings: Sendable {
    var connectTimeout: Duration
    var requestTimeout: Duration?
    var stallTimeout: Duration?
    var maxResponseBytes: Int?
    var responseBufferBytes: Int
    var uploadLength: Int64?
    var hasBody: Bool
}

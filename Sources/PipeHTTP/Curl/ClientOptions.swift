/// The parts of the client configuration every easy handle is set up with.
struct ClientOptions: Sendable {
    var http2: Bool
    var tls: TLSConfiguration
    var proxy: String?
    var noProxy: String?
    var acceptEncoding: Bool
}

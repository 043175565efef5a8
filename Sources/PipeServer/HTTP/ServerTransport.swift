import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOCore
import NIOSSL
import PipeCore

/// How connections are served: HTTP/1.1 with bounded headers and an idle timeout, with the ``ObjectFastPath`` in
/// front of the router when given, wrapped in TLS when the configuration names a certificate and key.
enum ServerTransport {
    /// The most bytes of one header field, of all header fields together, and the most fields a request may carry;
    /// past them the connection is refused before any handler runs.
    static let maxHeaderFieldBytes = 32 * 1024
    static let maxHeaderBytes = 64 * 1024
    static let maxHeaderFields = 100

    static func builder(_ configuration: ServerConfiguration, fastPath: ObjectFastPath?) throws(PipeError)
        -> HTTPServerBuilder
    {
        let channel = HTTP1Channel.Configuration(
            idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds)),
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: maxHeaderFieldBytes, maxHeaderListSize: maxHeaderBytes,
                maxHeaderFieldCount: maxHeaderFields))
        let http1 = HTTPServerBuilder { responder in
            PipeHTTP1Channel(responder: responder, configuration: channel, fastPath: fastPath)
        }
        guard let certificatePath = configuration.tlsCertificate, let keyPath = configuration.tlsKey else { return http1 }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
            var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            tls.minimumTLSVersion = .tlsv12
            return try .tls(http1, tlsConfiguration: tls)
        } catch {
            throw PipeError(
                .invalidArgument, "cannot load the TLS certificate or key: \(error)",
                details: ["field": "tlsCertificate"])
        }
    }
}

import Foundation
import PipeCore
import PipeTestSupport
import Testing

@testable import PipeHTTP

/// TLS and HTTP/2 against nginx on 127.0.0.1 with a private CA (Servers/start-nginx.sh).
@Suite("TLS and HTTP/2", .serialized)
final class TLSTests {
    let nginx: NginxServer

    init() throws {
        nginx = try NginxServer.start()
    }

    deinit {
        nginx.stop()
    }

    func client(_ tls: TLSConfiguration, http2: Bool = true) throws -> CurlHTTPClient {
        var configuration = CurlHTTPClient.Configuration()
        configuration.tls = tls
        configuration.http2 = http2
        return try CurlHTTPClient(configuration: configuration)
    }

    @Test("a self-signed certificate fails unless its CA is given")
    func untrustedCertificate() async throws {
        let untrusting = try client(TLSConfiguration())
        defer { untrusting.shutdown() }
        do {
            _ = try await untrusting.send(HTTPRequest(url: URL(string: nginx.httpsURL + "/hello")!))
            Issue.record("an untrusted certificate was accepted")
        } catch {
            #expect(error.code == .tlsFailure, "\(error)")
        }
        let trusting = try client(TLSConfiguration(certificateAuthorityPath: nginx.caPath))
        defer { trusting.shutdown() }
        let response = try await trusting.send(HTTPRequest(url: URL(string: nginx.httpsURL + "/hello")!))
        #expect(response.status == 200)
    }

    @Test("HTTP/2 is negotiated over TLS, and many requests share it")
    func http2() async throws {
        let h2 = try client(TLSConfiguration(certificateAuthorityPath: nginx.caPath))
        defer { h2.shutdown() }
        let first = try await h2.execute(HTTPRequest(url: URL(string: nginx.httpsURL + "/hello")!))
        #expect(first.version == "HTTP/2")
        _ = try await first.body.collect(upTo: 100)
        let hello = URL(string: nginx.httpsURL + "/hello")!
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<200 {
                group.addTask { try await h2.send(HTTPRequest(url: hello)).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == 200 && statuses.allSatisfy { $0 == 200 })

        let h1 = try client(TLSConfiguration(certificateAuthorityPath: nginx.caPath), http2: false)
        defer { h1.shutdown() }
        let old = try await h1.execute(HTTPRequest(url: URL(string: nginx.httpsURL + "/hello")!))
        #expect(old.version == "HTTP/1.1")
    }

    @Test("a server that requires a client certificate accepts ours")
    func mutualTLS() async throws {
        let anonymous = try client(TLSConfiguration(certificateAuthorityPath: nginx.caPath))
        defer { anonymous.shutdown() }
        let refused = try await anonymous.send(HTTPRequest(url: URL(string: nginx.mtlsURL + "/hello")!))
        #expect(refused.status == 400)  // nginx answers "No required SSL certificate was sent"
        let identified = try client(
            TLSConfiguration(
                certificateAuthorityPath: nginx.caPath, clientCertificatePath: nginx.clientCertPath,
                clientKeyPath: nginx.clientKeyPath))
        defer { identified.shutdown() }
        let accepted = try await identified.send(HTTPRequest(url: URL(string: nginx.mtlsURL + "/hello")!))
        #expect(accepted.status == 200)
    }
}

import Foundation
import PipeCore
import PipeHTTP
import PipeServer
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Transport: TLS, request limits, idle connections", .serialized)
struct TransportTests {
    /// A self-signed certificate for 127.0.0.1 and its key, made with openssl in `directory`.
    static func certificate(in directory: URL) throws -> (certificate: String, key: String) {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PipeError(.internalError, "openssl failed") }
        return (certificate, key)
    }

    @Test("with a certificate and key the API is served over HTTPS, and plain HTTP to it fails")
    func https() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-tls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (certificate, key) = try Self.certificate(in: directory)
        try await ServerFixture.with(configure: {
            $0.tlsCertificate = certificate
            $0.tlsKey = key
        }) { server in
            var tls = CurlHTTPClient.Configuration()
            tls.tls = TLSConfiguration(certificateAuthorityPath: certificate)
            let https = try CurlHTTPClient(configuration: tls)
            defer { https.shutdown() }
            let base = server.baseURL.replacingOccurrences(of: "http://", with: "https://")
            var headers: HTTPHeaders = [:]
            headers.add(name: "Authorization", value: "Bearer " + server.adminKey)
            let me = try await https.send(HTTPRequest(url: URL(string: base + "/v1/auth/me")!, headers: headers))
            #expect(me.status == 200 && me.json["roles"] == ["admin"])
            // Without the certificate's authority the client refuses; plain HTTP gets no HTTP answer.
            await #expect(throws: PipeError.self) { _ = try await server.http.send(HTTPRequest(url: URL(string: base + "/health/live")!)) }
            await #expect(throws: PipeError.self) { _ = try await server.send(.get, "/health/live") }
        }
        // A certificate without its key is a configuration error, not a silent fallback to HTTP.
        #expect(throws: PipeError.self) {
            _ = try ServerConfiguration.load(file: nil, environment: ["PIPE_TLS_CERTIFICATE": certificate])
        }
    }

    @Test("over-long URLs get 414, oversized headers are refused before any handler")
    func limits() async throws {
        try await ServerFixture.with { server in
            let long = try await server.send(.get, "/v1/storage/buckets?prefix=" + String(repeating: "a", count: 17_000), token: server.adminKey)
            #expect(long.status == 414 && long.errorCode == "uri_too_long")
            #expect(try await server.send(.get, "/health/live?" + String(repeating: "a", count: 12_000)).status == 200)
            var big: HTTPHeaders = [:]
            big.add(name: "X-Big", value: String(repeating: "b", count: 40_000))
            let refused = try? await server.send(.get, "/health/live", headers: big)
            #expect(refused == nil || refused!.status >= 400)
            var many: HTTPHeaders = [:]
            for index in 0..<150 { many.add(name: "X-Field-\(index)", value: "v") }
            let tooMany = try? await server.send(.get, "/health/live", headers: many)
            #expect(tooMany == nil || tooMany!.status >= 400)
            #expect(try await server.send(.get, "/health/live").status == 200)
        }
    }

    @Test("a connection that goes silent mid-request is closed after the idle timeout")
    func idleConnections() async throws {
        try await ServerFixture.with(configure: { $0.idleTimeoutSeconds = 1 }) { server in
            let port = try #require(URL(string: server.baseURL)?.port)
            let socket = Self.open(port: port)
            #expect(socket >= 0)
            defer { close(socket) }
            let partial = Array("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8)
            #expect(send(socket, partial, partial.count, 0) == partial.count)
            // With no more bytes, the server closes the connection: read returns 0 (or an error), not a hang.
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let started = ContinuousClock.now
            var buffer = [UInt8](repeating: 0, count: 4096)
            var total = 0
            while true {
                let count = recv(socket, &buffer, buffer.count, 0)
                if count <= 0 { break }
                total += count
            }
            #expect(ContinuousClock.now - started < .seconds(8), "the connection was closed by the idle timeout, not ours")
            _ = total
        }
    }

    static func open(port: Int) -> Int32 {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0 ? descriptor : -1
    }
}

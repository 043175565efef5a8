import Foundation
import PipeCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Catches an OAuth provider's redirect on 127.0.0.1, for command-line tools and desktop programs (the loopback
/// redirect of RFC 8252): the user signs in in their browser, which the provider sends back to this port.
///
/// ```swift
/// let receiver = try LoopbackRedirectReceiver(port: 8976)       // http://127.0.0.1:8976/callback
/// try await pipe.auth.signIn(provider: "github", redirectURI: receiver.redirectURI) { url in
///     print("Open \(url) to sign in")
///     return try await receiver.callback()
/// }
/// ```
///
/// The deployment must list ``redirectURI`` among its allowed redirect URIs, exactly, so pick a fixed port. Only
/// requests for ``path`` end the wait (anything else, such as a browser asking for a favicon, gets a 404); the
/// browser is told it may close the window. The socket listens on 127.0.0.1 only and is closed when the callback
/// came, the wait ended, or ``close()`` was called.
public final class LoopbackRedirectReceiver: Sendable {
    /// The URI to register with the deployment and to sign in with: `http://127.0.0.1:PORT/PATH`.
    public let redirectURI: String
    /// The port listened on (the one chosen by the system when 0 was asked for).
    public let port: Int
    /// The path the callback comes to.
    public let path: String
    private let socket: Mutex<Int32>

    /// The longest request head read from the browser.
    static let maxRequestBytes = 16 * 1024

    /// Starts listening on 127.0.0.1:`port` (0: any free port).
    ///
    /// - Throws: `invalid_argument` for a path that does not start with `/`; `unavailable` when the port cannot be
    ///   bound (in use, or not allowed).
    public init(port: Int = 0, path: String = "/callback") throws(PipeError) {
        guard path.hasPrefix("/"), !path.contains("?"), (0...65535).contains(port) else {
            throw PipeError(.invalidArgument, "the callback path must start with / and the port be 0–65535")
        }
        let descriptor = LoopbackSocket.stream()
        guard descriptor >= 0 else { throw PipeError(.unavailable, "cannot open a socket (errno \(errno))") }
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && listen(descriptor, 8) == 0
                    && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else {
            let code = errno
            _ = Self.closeSocket(descriptor)
            throw PipeError(.unavailable, "cannot listen on 127.0.0.1:\(port) (errno \(code))", details: ["port": String(port)])
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.path = path
        redirectURI = "http://127.0.0.1:\(self.port)\(path)"
        socket = Mutex(descriptor)
    }

    deinit {
        close()
    }

    /// Waits for the browser to come back to ``path`` and returns the URL it came to (with the provider's query).
    ///
    /// - Throws: `timeout` when nothing came within `timeout`; `cancelled` when the task is cancelled or the receiver
    ///   closed.
    public func callback(timeout: Duration = .seconds(300)) async throws(PipeError) -> URL {
        let cancelled = Atomic<Bool>(false)
        let deadline = ContinuousClock.now + timeout
        let wait = { @Sendable () throws(PipeError) -> URL in
            while true {
                if cancelled.load(ordering: .relaxed) { throw PipeError(.cancelled, "the sign-in was cancelled") }
                guard ContinuousClock.now < deadline else {
                    throw PipeError(.timeout, "no sign-in came back to \(self.redirectURI) in time")
                }
                guard let connection = try self.accept(waitingAtMost: 200) else { continue }
                defer { _ = Self.closeSocket(connection) }
                if let target = Self.serve(connection, path: self.path) {
                    self.close()
                    guard let url = URL(string: "http://127.0.0.1:\(self.port)" + target) else {
                        throw PipeError(.oauthFailed, "the callback URL is not valid", details: ["reason": "callback"])
                    }
                    return url
                }
            }
        }
        let result: Result<URL, PipeError> = await withTaskCancellationHandler {
            do throws(PipeError) {
                return .success(try await BlockingIO.run(wait))
            } catch {
                return .failure(error)
            }
        } onCancel: {
            cancelled.store(true, ordering: .relaxed)
        }
        return try result.get()
    }

    /// Stops listening.
    public func close() {
        socket.withLock { descriptor in
            if descriptor >= 0 { _ = Self.closeSocket(descriptor) }
            descriptor = -1
        }
    }

    /// A connection, if one arrives within `milliseconds`.
    private func accept(waitingAtMost milliseconds: Int32) throws(PipeError) -> Int32? {
        let descriptor = socket.withLock { $0 }
        guard descriptor >= 0 else { throw PipeError(.cancelled, "the receiver was closed") }
        var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&ready, 1, milliseconds) > 0 else { return nil }
        let connection = LoopbackSocket.accept(descriptor)
        return connection >= 0 ? connection : nil
    }

    /// Reads one request from `connection` and answers it; returns its target when it is a `GET` of `path`.
    private static func serve(_ connection: Int32, path: String) -> String? {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.count < maxRequestBytes, !received.suffix(4).elementsEqual(Array("\r\n\r\n".utf8)) {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            received += buffer[0..<count]
        }
        let requestLine = received.split(separator: UInt8(ascii: "\r"), maxSplits: 1).first ?? []
        let parts = requestLine.split(separator: UInt8(ascii: " "))
        guard parts.count == 3, parts[0].elementsEqual(Array("GET".utf8)) else {
            respond(connection, status: "400 Bad Request", text: "Not a sign-in callback.")
            return nil
        }
        let target = String(decoding: parts[1], as: UTF8.self)
        guard target == path || target.hasPrefix(path + "?") else {
            respond(connection, status: "404 Not Found", text: "Not found.")
            return nil
        }
        respond(connection, status: "200 OK", text: "Signed in. You can close this window and return to the program.")
        return target
    }

    private static func respond(_ connection: Int32, status: String, text: String) {
        let body = "<!doctype html><meta charset=utf-8><title>Pipe</title><p>\(text)</p>\n"
        let response = Array(
            ("HTTP/1.1 \(status)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n"
                + "Cache-Control: no-store\r\nConnection: close\r\n\r\n" + body).utf8)
        _ = response.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, LoopbackSocket.sendFlags) }
    }

    private static func closeSocket(_ descriptor: Int32) -> Int32 {
        LoopbackSocket.close(descriptor)
    }
}

/// The socket calls whose spelling differs between the C libraries.
private enum LoopbackSocket {
    #if canImport(Glibc)
        static func stream() -> Int32 { Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0) }
        static func accept(_ descriptor: Int32) -> Int32 { Glibc.accept(descriptor, nil, nil) }
        static func close(_ descriptor: Int32) -> Int32 { Glibc.close(descriptor) }
        static let sendFlags = Int32(MSG_NOSIGNAL)
    #elseif canImport(Musl)
        static func stream() -> Int32 { Musl.socket(AF_INET, Int32(SOCK_STREAM), 0) }
        static func accept(_ descriptor: Int32) -> Int32 { Musl.accept(descriptor, nil, nil) }
        static func close(_ descriptor: Int32) -> Int32 { Musl.close(descriptor) }
        static let sendFlags = Int32(MSG_NOSIGNAL)
    #else
        static func stream() -> Int32 {
            let descriptor = Darwin.socket(AF_INET, SOCK_STREAM, 0)
            var yes: Int32 = 1  // Darwin has no MSG_NOSIGNAL: a closed browser tab must not kill the program
            if descriptor >= 0 { setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size)) }
            return descriptor
        }
        static func accept(_ descriptor: Int32) -> Int32 {
            let connection = Darwin.accept(descriptor, nil, nil)
            var yes: Int32 = 1
            if connection >= 0 { setsockopt(connection, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size)) }
            return connection
        }
        static func close(_ descriptor: Int32) -> Int32 { Darwin.close(descriptor) }
        static let sendFlags: Int32 = 0
    #endif
}

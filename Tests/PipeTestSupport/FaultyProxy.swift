import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP proxy on 127.0.0.1 that cuts connections on purpose, for network fault tests: the client talks to
/// ``port``, the proxy relays every byte to and from the server at ``upstreamPort``, and the first `cutConnections`
/// connections are closed (both ways) once `afterBytes` bytes went through them in `direction`, as a link that
/// drops or a peer that goes away mid-transfer looks to the other side. ``stopCutting()`` lets later connections
/// through whole.
///
/// Threads and blocking sockets, so nothing in it depends on the code under test.
public final class FaultyProxy: Sendable {
    /// Which bytes count towards the cut.
    public enum Direction: Sendable {
        /// From the server to the client (a download).
        case toClient
        /// From the client to the server (an upload).
        case toServer
    }

    public let port: Int
    private let listener: Int32
    private let upstream: Atomic<Int>
    private let direction: Direction
    private let afterBytes: Int
    private let cutConnections: Atomic<Int>
    private let state = Mutex<(accepted: Int, cut: Int, stopped: Bool, sockets: Set<Int32>)>((0, 0, false, []))
    private let toClient = Atomic<Int>(0)

    /// Bytes relayed from the server to the client so far, over all connections.
    public var relayedToClient: Int { toClient.load(ordering: .relaxed) }

    /// How many connections were cut so far.
    public var cut: Int { state.withLock { $0.cut } }
    /// How many connections were accepted so far.
    public var accepted: Int { state.withLock { $0.accepted } }

    /// Where new connections go: a server restarted on another port is reached by setting it.
    public var upstreamPort: Int {
        get { upstream.load(ordering: .relaxed) }
        set { upstream.store(newValue, ordering: .relaxed) }
    }

    public init(upstreamPort: Int, cutConnections: Int, afterBytes: Int, direction: Direction = .toClient) throws {
        upstream = Atomic(upstreamPort)
        self.direction = direction
        self.afterBytes = afterBytes
        self.cutConnections = Atomic(cutConnections)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, 64) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard descriptor >= 0, ready else { throw POSIXError(.EADDRNOTAVAIL) }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Relays connections accepted from now on whole.
    public func stopCutting() {
        cutConnections.store(0, ordering: .relaxed)
    }

    /// Stops accepting and closes every relayed connection.
    public func stop() {
        let sockets = state.withLock { state in
            state.stopped = true
            return state.sockets
        }
        for socket in sockets { shutdown(socket, Int32(SHUT_RDWR)) }
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func acceptLoop() {
        while true {
            var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            if state.withLock({ $0.stopped }) { break }
            guard poll(&ready, 1, 100) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: upstreamPort)
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            guard connected else {
                close(client)
                close(upstream)
                continue
            }
            let index = state.withLock { state in
                state.accepted += 1
                state.sockets.formUnion([client, upstream])
                return state.accepted
            }
            let budget = index <= cutConnections.load(ordering: .relaxed) ? afterBytes : Int.max
            let pair = Pair(client: client, upstream: upstream)
            let (up, down) = direction == .toServer ? (budget, Int.max) : (Int.max, budget)
            Thread { [self] in relay(from: client, to: upstream, budget: up, pair: pair) }.start()
            Thread { [self] in relay(from: upstream, to: client, budget: down, pair: pair) }.start()
        }
        close(listener)
    }

    /// Copies bytes one way until either side ends or `budget` bytes went through; then cuts both sockets.
    /// The two sockets of one relayed connection; the second relay to finish closes them.
    private final class Pair: Sendable {
        let client: Int32
        let upstream: Int32
        let running = Atomic<Int>(2)

        init(client: Int32, upstream: Int32) {
            self.client = client
            self.upstream = upstream
        }
    }

    private func relay(from source: Int32, to destination: Int32, budget: Int, pair: Pair) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var sent = 0
        var cutHere = false
        while sent < budget {
            let count = recv(source, &buffer, min(buffer.count, budget - sent), 0)
            if count <= 0 { break }
            var offset = 0
            while offset < count {
                let written = buffer[offset..<count].withUnsafeBytes { send(destination, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if written <= 0 { break }
                offset += written
            }
            sent += count
            if source != pair.client { toClient.wrappingAdd(count, ordering: .relaxed) }
            if sent >= budget { cutHere = true }
        }
        if cutHere { state.withLock { $0.cut += 1 } }
        shutdown(pair.client, Int32(SHUT_RDWR))
        shutdown(pair.upstream, Int32(SHUT_RDWR))
        if pair.running.wrappingSubtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            state.withLock { $0.sockets.subtract([pair.client, pair.upstream]) }
            close(pair.client)
            close(pair.upstream)
        }
    }
}

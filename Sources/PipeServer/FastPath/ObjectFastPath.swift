import Foundation
import HTTPTypes
import NIOCore
import PipeAuth
import PipeCore
import PipeStorage
import Prometheus
import Synchronization

/// Answers `GET`/`HEAD /v1/storage/buckets/{bucket}/objects/{key}` on the event loop, without the router, when every
/// decision is already in memory: the credential was verified moments ago, the object is a small one in the read
/// cache whose record is known current (``StorageService/objectInMemory(in:at:as:)``), the caller may read it, and the
/// rate limiter decides without waiting. Anything else (a cache miss, an error to report, a range or conditional
/// request, CORS, a query) is declined and goes through the router as usual.
///
/// A served request gets what the router would have answered, header for header: the object's validators and
/// caching headers, the rate-limit state, a request id, the security headers, `Date` and `Server`; it is counted in
/// the same metrics series. The point is the cost: the router path parses the request into HTTP types, hands it from
/// the event loop to a task and back and reads the metadata database twice, which is most of what a small cached read
/// costs. ``RawFastPathHandler`` calls this with the fields it read from the request's bytes and sends the bytes
/// returned as they are.
struct ObjectFastPath: Sendable {
    let auth: AuthService
    let storage: StorageService
    let limiter: any RateLimiter
    let limits: RateLimits
    /// The series the router's metrics use for the same requests, looked up once.
    private let getSeries: ServerMetrics.Handles
    private let headSeries: ServerMetrics.Handles
    private let answered: Counter
    private let versionHeaders = VersionHeaders()

    static let prefix = "/v1/storage/buckets/"
    /// The route template the router's metrics use for the same requests.
    static let route = "/v1/storage/buckets/{bucket}/objects/**"
    init(auth: AuthService, storage: StorageService, limiter: any RateLimiter, limits: RateLimits, metrics: ServerMetrics) {
        self.auth = auth
        self.storage = storage
        self.limiter = limiter
        self.limits = limits
        getSeries = metrics.series(method: .get, route: Self.route, status: 200)
        headSeries = metrics.series(method: .head, route: Self.route, status: 200)
        answered = metrics.fastPathResponses
    }

    /// The complete response, as the bytes to send, to a `GET` or `HEAD` (`head`) of `key` in `bucket` from a client
    /// at `peer`, or `nil` to let the router answer it. `connection` holds what the previous request on the same
    /// connection looked up, which the next one most often repeats.
    func answer(
        bucket: BucketName, key: ObjectKey, head: Bool, authorization: String?, forwardedFor: String?, peer: String?,
        connection: inout FastPathMemo, allocator: ByteBufferAllocator
    ) -> ByteBuffer? {
        let start = ContinuousClock.now
        var principal: Principal? = nil
        if let header = authorization {
            guard header.utf8.count <= AuthenticationMiddleware.maximumHeaderBytes, header.hasPrefix("Bearer "),
                let known = auth.recentlyAuthenticated(String(header.dropFirst(7)))
            else { return nil }
            principal = known
        }
        guard let download = storage.objectInMemory(in: bucket, at: key, as: principal),
            let bytes = download.bytesInMemory
        else { return nil }
        // Counted last: only a request answered here is charged here. A refusal goes to the router, whose check of
        // an exhausted budget charges nothing more and answers 429.
        let rateKey: String
        if let principal {
            rateKey = connection.rateKey(principal: principal.id.rawValue)
        } else {
            rateKey = connection.rateKey(
                client: RateLimitMiddleware.clientAddress(peer: peer, forwardedFor: forwardedFor, limits: limits))
        }
        let policy = limits.default
        guard let decision = limiter.checkWithoutWaiting(rateKey, policy: policy), decision.allowed else {
            return nil
        }
        let fixed = versionHeaders.head(for: download, policy: policy)
        var response = allocator.buffer(capacity: fixed.readableBytes + 160 + (head ? 0 : bytes.count))
        response.writeImmutableBuffer(fixed)
        // `RateLimit: "name";r=…;t=…` as ``RateLimitMiddleware/state(_:_:)`` writes it.
        response.writeStaticString("RateLimit: \"")
        response.writeString(policy.name)
        response.writeStaticString("\";r=")
        response.writeString(String(decision.remaining))
        response.writeStaticString(";t=")
        response.writeString(String(decision.reset))
        response.writeStaticString("\r\nX-Request-Id: ")
        Self.writeRequestID(to: &response)
        response.writeStaticString("\r\nDate: ")
        response.writeString(ResponseDate.now())
        response.writeStaticString("\r\n\r\n")
        if !head { response.writeBytes(bytes) }
        (head ? headSeries : getSeries).record(ContinuousClock.now - start)
        answered.increment()
        return response
    }

    /// Writes one `name: value` header line, as NIO's encoder writes it.
    static func writeField(_ name: HTTPField.Name, _ value: String, to buffer: inout ByteBuffer) {
        buffer.writeString(name.rawName)
        buffer.writeStaticString(": ")
        buffer.writeString(value)
        buffer.writeStaticString("\r\n")
    }

    /// The bucket and key a request path names, when it is exactly `/v1/storage/buckets/{bucket}/objects/{key}`
    /// with a valid bucket name and a valid (percent-decoded) key, no query, and within the gateway's length limit.
    /// Works on the path's bytes: it runs on every request the fast path sees.
    static func target(_ path: String?) -> (BucketName, ObjectKey)? {
        guard let path, path.utf8.count <= GatewayMiddleware.maxTargetBytes else { return nil }
        let bytes = Array(path.utf8)
        let prefix = Self.prefixBytes
        guard bytes.count > prefix.count, bytes[..<prefix.count].elementsEqual(prefix),
            !bytes.contains(UInt8(ascii: "?")),
            let slash = bytes[prefix.count...].firstIndex(of: UInt8(ascii: "/"))
        else { return nil }
        let marker = Self.objectsBytes
        guard bytes[slash...].starts(with: marker),
            let bucket = try? BucketName(String(decoding: bytes[prefix.count..<slash], as: UTF8.self)),
            let decoded = percentDecoded(bytes[(slash + marker.count)...]),
            let key = try? ObjectKey(decoded)
        else { return nil }
        return (bucket, key)
    }

    private static let prefixBytes = Array(prefix.utf8)
    private static let objectsBytes = Array("/objects/".utf8)

    /// `bytes` with `%XX` escapes decoded, as UTF-8 text; `nil` for a broken escape or text that is not UTF-8.
    static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> String? {
        guard bytes.contains(UInt8(ascii: "%")) else { return String(validating: bytes, as: UTF8.self) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "%") else {
                output.append(byte)
                index += 1
                continue
            }
            guard index + 2 < bytes.endIndex, let high = Hex.value(bytes[index + 1]), let low = Hex.value(bytes[index + 2])
            else { return nil }
            output.append(high << 4 | low)
            index += 3
        }
        return String(validating: output, as: UTF8.self)
    }

    /// Writes a request id in the router's format (32 hex digits): a random number drawn once, then counted up. Ids
    /// must be unique, not secret, and drawing 128 random bits per request costs a system call.
    static func writeRequestID(to buffer: inout ByteBuffer) {
        let low = requestCounter.wrappingAdd(1, ordering: .relaxed).oldValue
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 32) { output in
            for index in 0..<16 {
                let shift = UInt64(60 - 4 * index)
                output[index] = hexDigits[Int(truncatingIfNeeded: (requestIDBase >> shift) & 0xF)]
                output[16 + index] = hexDigits[Int(truncatingIfNeeded: (low >> shift) & 0xF)]
            }
            return 32
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let requestIDBase = UInt64.random(in: .min ... .max)
    private static let requestCounter = Atomic<UInt64>(UInt64.random(in: .min ... .max))
}

/// The status line and the response headers that depend only on the object's version and the rate-limit policy
/// (everything but the rate-limit state, the request id and the date), encoded once per version rather than per
/// response.
final class VersionHeaders: Sendable {
    private struct Version: Hashable {
        let etag: String
        let updatedAt: Date
        let size: Int64
        let contentType: String
        let cacheControl: String
    }

    /// Versions remembered at most; past that it starts over (a version is rebuilt in microseconds).
    static let capacity = 10_000
    private let built = Mutex<[Version: ByteBuffer]>([:])

    func head(for download: ObjectDownload, policy: RateLimitPolicy) -> ByteBuffer {
        let info = download.info
        let version = Version(
            etag: info.etag, updatedAt: info.updatedAt, size: info.size, contentType: info.contentType,
            cacheControl: download.cacheControl)
        if let head = built.withLock({ $0[version] }) { return head }
        var fields = HTTPFields()
        fields[.contentLength] = String(download.range.count)
        ObjectRoutes.describe(download, in: &fields)
        fields[RateLimitMiddleware.policyHeader] = RateLimitMiddleware.policy(policy)
        GatewayMiddleware.addSecurityHeaders(&fields)
        fields[.server] = PipeServer.serverName
        var head = ByteBuffer(string: "HTTP/1.1 200 OK\r\n")
        for field in fields { ObjectFastPath.writeField(field.name, field.value, to: &head) }
        built.withLock { built in
            if built.count >= Self.capacity { built.removeAll(keepingCapacity: true) }
            built[version] = head
        }
        return head
    }
}

/// The `Date` header, formatted once per second rather than once per response.
enum ResponseDate {
    private static let cached = Mutex<(second: Int, text: String)>((-1, ""))

    static func now() -> String {
        let now = Date()
        let second = Int(now.timeIntervalSince1970)
        if let text = cached.withLock({ $0.second == second ? $0.text : nil }) { return text }
        let text = HTTPDate.format(now)
        cached.withLock { $0 = (second, text) }
        return text
    }
}

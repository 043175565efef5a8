import Foundation
import HTTPTypes
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
/// the same metrics series. The point is the cost: the router path hands each request from the event loop to a
/// task and back and reads the metadata database twice, which is most of what a small cached read costs.
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
    /// Request fields that change the answer in ways only the router handles.
    static let declinedFields: Set<HTTPField.Name> = [
        .range, .ifMatch, .ifNoneMatch, .ifModifiedSince, .ifUnmodifiedSince, .ifRange, .origin, .contentLength,
        .transferEncoding, .expect, .connection,
    ]

    init(auth: AuthService, storage: StorageService, limiter: any RateLimiter, limits: RateLimits, metrics: ServerMetrics) {
        self.auth = auth
        self.storage = storage
        self.limiter = limiter
        self.limits = limits
        getSeries = metrics.series(method: .get, route: Self.route, status: 200)
        headSeries = metrics.series(method: .head, route: Self.route, status: 200)
        answered = metrics.fastPathResponses
    }

    /// The complete response to `request` from a client at `peer`, or `nil` to let the router answer it.
    func answer(_ request: HTTPTypes.HTTPRequest, peer: String?) -> FastPathHandler.Answer? {
        let start = ContinuousClock.now
        let head = request.method == .head
        guard head || request.method == .get, let (bucket, key) = Self.target(request.path) else { return nil }
        var authorization: String? = nil
        var forwardedFor: String? = nil
        for field in request.headerFields {
            if Self.declinedFields.contains(field.name) { return nil }
            if field.name == .authorization {
                guard authorization == nil else { return nil }  // two: the router refuses it
                authorization = field.value
            } else if field.name == RateLimitMiddleware.forwardedFor {
                forwardedFor = forwardedFor.map { $0 + ", " + field.value } ?? field.value
            }
        }
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
        let client = RateLimitMiddleware.clientAddress(peer: peer, forwardedFor: forwardedFor, limits: limits)
        let rateKey = principal.map { "default/principal/" + $0.id.rawValue } ?? "default/ip/" + client
        guard let decision = limiter.checkWithoutWaiting(rateKey, policy: limits.default), decision.allowed else {
            return nil
        }
        var response = HTTPResponse(status: .ok)
        response.headerFields = versionHeaders.fields(for: download, policy: limits.default)
        response.headerFields.append(
            HTTPField(
                name: RateLimitMiddleware.stateHeader,
                value: RateLimitMiddleware.state(limits.default, decision)))
        response.headerFields.append(HTTPField(name: GatewayMiddleware.requestIDHeader, value: Self.requestID()))
        response.headerFields.append(HTTPField(name: .date, value: ResponseDate.now()))
        (head ? headSeries : getSeries).record(ContinuousClock.now - start)
        answered.increment()
        return FastPathHandler.Answer(head: response, body: head ? nil : bytes)
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

    /// A request id in the router's format (32 hex digits): a random number drawn once, then counted up. Ids must
    /// be unique, not secret, and drawing 128 random bits per request costs a system call.
    static func requestID() -> String {
        let low = requestCounter.wrappingAdd(1, ordering: .relaxed).oldValue
        var bytes = [UInt8](repeating: 0, count: 16)
        for shift in 0..<8 {
            bytes[shift] = UInt8(truncatingIfNeeded: requestIDBase >> (56 - 8 * shift))
            bytes[8 + shift] = UInt8(truncatingIfNeeded: low >> (56 - 8 * shift))
        }
        return Hex.encode(bytes)
    }

    private static let requestIDBase = UInt64.random(in: .min ... .max)
    private static let requestCounter = Atomic<UInt64>(UInt64.random(in: .min ... .max))
}

/// The response headers that depend only on the object's version and the rate-limit policy (everything but the
/// rate-limit state, the request id and the date), built once per version rather than per response.
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
    private let built = Mutex<[Version: HTTPFields]>([:])

    func fields(for download: ObjectDownload, policy: RateLimitPolicy) -> HTTPFields {
        let info = download.info
        let version = Version(
            etag: info.etag, updatedAt: info.updatedAt, size: info.size, contentType: info.contentType,
            cacheControl: download.cacheControl)
        if let fields = built.withLock({ $0[version] }) { return fields }
        var fields = HTTPFields()
        fields[.contentLength] = String(download.range.count)
        ObjectRoutes.describe(download, in: &fields)
        fields[RateLimitMiddleware.policyHeader] = RateLimitMiddleware.policy(policy)
        GatewayMiddleware.addSecurityHeaders(&fields)
        fields[.server] = PipeServer.serverName
        built.withLock { built in
            if built.count >= Self.capacity { built.removeAll(keepingCapacity: true) }
            built[version] = fields
        }
        return fields
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

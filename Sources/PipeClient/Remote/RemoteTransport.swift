import Foundation
import Logging
import PipeCore
import PipeHTTP
import Synchronization

/// When a remote client sends a request again.
///
/// Only requests that are safe to repeat are retried: `GET`, `HEAD`, `PUT`, `DELETE`, and any request carrying an
/// `Idempotency-Key`. They are retried after a connection failure, and after `429`, `502`, `503` or `504`, waiting
/// as `Retry-After` says or else an exponential backoff with full jitter. A `POST` without a key is never retried
/// blindly: the server may have acted on it.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included (default 4; 1 turns retries off).
    public var maxAttempts: Int
    /// The backoff's first step (default 200 ms); each retry doubles it, up to ``maxDelay``.
    public var baseDelay: Duration
    /// The longest backoff (default 5 s).
    public var maxDelay: Duration
    /// The longest `Retry-After` honoured (default 60 s); a server asking for more gets its error passed on.
    public var maxRetryAfter: Duration

    /// A policy.
    public init(
        maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(5),
        maxRetryAfter: Duration = .seconds(60)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// No retries.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// The wait before attempt `attempt + 1` (counting from 1), or `nil` to give up.
    func delay(after attempt: Int, retryAfter: Int?) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        if let retryAfter {
            let wait = Duration.seconds(retryAfter)
            return wait <= maxRetryAfter ? wait : nil
        }
        let ceiling = min(maxDelay, baseDelay * (1 << min(attempt - 1, 20)))
        let nanoseconds = ceiling.components.seconds * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
        return .nanoseconds(Int64.random(in: 0...max(0, nanoseconds)))
    }
}

/// Sends requests to a deployment: the base URL, the session's credential, error decoding and retries.
final class RemoteTransport: Sendable {
    let base: String
    let http: CurlHTTPClient
    let session: SessionManager
    let retry: RetryPolicy
    /// How the client for long-lived streams is set up: no total time limit, its own connections.
    private let streamConfiguration: CurlHTTPClient.Configuration
    private let logger: Logger
    /// The client for job event streams, made on first use (most clients never follow a job); `stopped` after
    /// ``shutdown()``.
    private let streamClient = Mutex<(client: CurlHTTPClient?, stopped: Bool)>((nil, false))

    /// - Parameter maxEventStreams: the most event streams followed at once over HTTP/1.1 connections.
    init(
        base: URL, http: CurlHTTPClient, session: SessionManager, retry: RetryPolicy, maxEventStreams: Int,
        logger: Logger
    ) {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        self.base = text
        self.http = http
        self.session = session
        self.retry = retry
        // The API client's settings (TLS, proxy, stall timeout), with no overall limit: a job may run for hours, and
        // a silent connection still ends at the stall timeout.
        var streams = http.configuration
        streams.requestTimeout = nil
        streams.maxConnectionsPerHost = max(1, maxEventStreams)
        streams.maxConnections = max(streams.maxConnections, streams.maxConnectionsPerHost)
        self.streamConfiguration = streams
        self.logger = logger
    }

    /// The client long-lived streams go through. A job's event stream holds its connection for as long as the job
    /// runs; on the API client's connections, a handful of them would leave API calls queued behind them (and curl
    /// counts that wait against each call's timeout). On a client of their own they never do.
    func streams() throws(PipeError) -> CurlHTTPClient {
        try streamClient.withLock { (state) throws(PipeError) -> CurlHTTPClient in
            if let client = state.client { return client }
            guard !state.stopped else { throw PipeError(.cancelled, "the client was shut down") }
            let client = try CurlHTTPClient(configuration: streamConfiguration, logger: logger)
            state.client = client
            return client
        }
    }

    /// Stops both HTTP clients: what is in flight fails with `cancelled`.
    func shutdown() {
        http.shutdown()
        streamClient.withLock { state in
            state.stopped = true
            state.client?.shutdown()
        }
    }

    /// One API call. `path` is already percent-encoded and may carry a query.
    struct Call: Sendable {
        var method: HTTPMethod
        var path: String
        var headers: HTTPHeaders = [:]
        var body: [UInt8] = []
        var idempotencyKey: String? = nil
        var timeout: Duration? = nil
        /// Sent without the session's credential.
        var anonymous = false
        /// Sent with this credential instead of the session's.
        var bearer: String? = nil
        /// Whether sending it twice is harmless; by default, for the methods that say so and keyed requests.
        var retryable: Bool? = nil

        init(_ method: HTTPMethod, _ path: String) {
            self.method = method
            self.path = path
        }

        init(_ method: HTTPMethod, _ path: String, json: JSONValue) {
            self.init(method, path)
            var writer = JSONWriter()
            writer.write(json)
            body = writer.bytes
            headers.add(name: "Content-Type", value: "application/json")
        }

        var repeatable: Bool {
            retryable ?? (idempotencyKey != nil || [.get, .head, .put, .delete].contains(method))
        }
    }

    /// Sends `call`; returns a 2xx (or 304) response, or throws the error the server described.
    func send(_ call: Call) async throws(PipeError) -> HTTPResponse {
        let http = self.http
        return try await send(call) { request throws(PipeError) in try await http.send(request) }
    }

    /// Sends `call` with a streamed body; the (small) answer is collected.
    func stream(
        _ call: Call, body: HTTPRequestBody, progress: (@Sendable (HTTPProgress) -> Void)?
    ) async throws(PipeError) -> HTTPResponse {
        let http = self.http
        return try await send(call) { request throws(PipeError) in
            try await http.execute(request, body: body, progress: progress).collect(upTo: 4 << 20)
        }
    }

    /// The retry loop around one way of performing a request (see ``RetryPolicy``).
    func send(
        _ call: Call, perform: (HTTPRequest) async throws(PipeError) -> HTTPResponse
    ) async throws(PipeError) -> HTTPResponse {
        var attempt = 0
        var refreshed = false
        while true {
            attempt += 1
            let request = try await request(for: call)
            let outcome: Result<HTTPResponse, PipeError>
            do throws(PipeError) {
                outcome = .success(try await perform(request))
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let response) where (200..<300).contains(response.status) || response.status == 304:
                return response
            case .success(let response):
                let error = WireFormat.error(status: response.status, body: response.body, headers: response.headers)
                // An expired or revoked token: one refresh, then the same request again (it was not acted on).
                if response.status == 401, !call.anonymous, call.bearer == nil, !refreshed,
                    await session.refreshAfterRejection()
                {
                    refreshed = true
                    attempt -= 1
                    continue
                }
                guard call.repeatable, [429, 502, 503, 504].contains(response.status),
                    let wait = retry.delay(after: attempt, retryAfter: response.headers["Retry-After"].flatMap { Int($0) })
                else { throw error }
                try await Self.sleep(wait)
            case .failure(let error):
                guard call.repeatable, Self.isTransient(error), let wait = retry.delay(after: attempt, retryAfter: nil)
                else { throw error }
                try await Self.sleep(wait)
            }
        }
    }

    /// Sends `call` and parses the JSON answer.
    func json(_ call: Call) async throws(PipeError) -> JSONValue {
        try Self.json(try await send(call), answering: call)
    }

    /// The JSON body of `response`, the answer to `call`.
    static func json(_ response: HTTPResponse, answering call: Call) throws(PipeError) -> JSONValue {
        do {
            return try JSONValue(parsing: response.body)
        } catch {
            throw PipeError(.protocolError, "the server's answer to \(call.method) \(call.path) is not JSON")
        }
    }

    /// The request for `call`, with the current credential.
    func request(for call: Call) async throws(PipeError) -> HTTPRequest {
        guard let url = URL(string: base + call.path) else {
            throw PipeError(.invalidArgument, "\(base + call.path) is not a URL")
        }
        var headers = call.headers
        var bearer: String? = nil
        if !call.anonymous {
            bearer = call.bearer
            if bearer == nil { bearer = try await session.bearer() }
        }
        if let bearer { headers.replaceOrAdd(name: "Authorization", value: "Bearer " + bearer) }
        if let key = call.idempotencyKey { headers.replaceOrAdd(name: "Idempotency-Key", value: key) }
        return HTTPRequest(method: call.method, url: url, headers: headers, body: call.body, timeout: call.timeout)
    }

    static func isTransient(_ error: PipeError) -> Bool {
        [.connectionFailed, .timeout, .unavailable].contains(error.code)
    }

    static func sleep(_ duration: Duration) async throws(PipeError) {
        do {
            try await Task.sleep(for: duration)
        } catch {
            throw PipeError(.cancelled, "the request was cancelled while waiting to retry")
        }
    }

    // MARK: Paths

    /// Whether each byte value may stand unencoded in a path segment (RFC 3986 "unreserved").
    private static let unreserved: [Bool] = (0..<256).map { byte in
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8.contains(UInt8(byte))
    }

    /// `text` percent-encoded for a path, keeping `/` when `slashes` (object keys keep their folders).
    static func encode(_ text: String, slashes: Bool = false) -> String {
        // Every path of every call goes through here; most need no encoding at all.
        let keeps = { (byte: UInt8) in unreserved[Int(byte)] || (slashes && byte == UInt8(ascii: "/")) }
        if text.utf8.allSatisfy(keeps) { return text }
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            if keeps(byte) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A query string (`?a=1&b=2`) from the pairs whose value is present; empty when none is.
    static func query(_ pairs: [(String, String?)]) -> String {
        let present = pairs.compactMap { pair in pair.1.map { pair.0 + "=" + encode($0) } }
        return present.isEmpty ? "" : "?" + present.joined(separator: "&")
    }
}

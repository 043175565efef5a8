import Foundation
import Logging
import PipeCore
import Synchronization

/// An HTTP client on libcurl: connection reuse, HTTP/1.1 and HTTP/2, TLS through OpenSSL,
/// streaming bodies with backpressure, progress, timeouts and real cancellation.
///
/// All of a client's transfers run on one thread that drives a curl multi handle; async callers
/// never block a thread of the cooperative pool. Create one client and share it: it keeps a pool
/// of connections per host. Call ``shutdown()`` when done (pending requests fail with
/// `cancelled`), or use ``withClient(configuration:logger:_:)``.
///
/// ```swift
/// try await CurlHTTPClient.withClient { client in
///     let response = try await client.send(HTTPRequest(url: URL(string: "https://example.com/")!))
///     print(response.status)
/// }
/// ```
public final class CurlHTTPClient: HTTPTransport {
    /// The configuration the client was made with.
    public let configuration: Configuration
    let loop: CurlEventLoop
    let logger: Logger
    let metrics = HTTPClientMetrics()
    private let nextID = Atomic<UInt64>(1)

    /// Starts a client (and its event-loop thread).
    /// - Throws: `unavailable` if libcurl cannot be initialised.
    public init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "pipe.http"))
        throws(PipeError)
    {
        self.configuration = configuration
        self.logger = logger
        let options = ClientOptions(
            http2: configuration.http2, tls: configuration.tls, proxy: configuration.proxy,
            noProxy: configuration.noProxy, acceptEncoding: configuration.acceptsCompression)
        loop = try CurlEventLoop(
            options: options, maxConnectionsPerHost: max(1, configuration.maxConnectionsPerHost),
            maxConnections: max(1, configuration.maxConnections), logger: logger)
    }

    /// Runs `body` with a new client and shuts it down afterwards, even when `body` throws.
    public static func withClient<Result: Sendable>(
        configuration: Configuration = Configuration(), logger: Logger = Logger(label: "pipe.http"),
        _ body: (CurlHTTPClient) async throws -> Result
    ) async throws -> Result {
        let client = try CurlHTTPClient(configuration: configuration, logger: logger)
        defer { client.shutdown() }
        return try await body(client)
    }

    /// How many transfers hold an easy handle right now (diagnostics and tests).
    var activeTransferCount: Int { loop.activeTransfers.load(ordering: .relaxed) }

    /// Stops the event loop; transfers still running fail with `cancelled`. Idempotent.
    public func shutdown() {
        loop.shutdown()
    }

    deinit {
        loop.shutdown()
    }

    /// Sends a request and collects its whole response (`HTTPTransport` conformance).
    /// - Throws: a `PipeError`: `dns_failure`, `connection_failed`, `tls_failure`,
    ///   `timeout`, `cancelled`, `protocol_error`, `limit_exceeded` (a body over
    ///   ``Configuration/maxCollectedResponseBytes``), `invalid_argument`.
    public func send(_ request: HTTPRequest) async throws(PipeError) -> HTTPResponse {
        let body: HTTPRequestBody? = request.body.isEmpty ? nil : .bytes(request.body)
        let response = try await execute(
            request, body: body, progress: nil, bodyFileDescriptor: nil,
            receiveBufferBytes: min(configuration.receiveBufferBytes, Self.collectedReceiveBufferBytes))
        return try await response.collect(upTo: configuration.maxCollectedResponseBytes)
    }

    /// Sends a request and returns as soon as the response head arrives; the body streams.
    ///
    /// - Parameters:
    ///   - request: method, URL, headers and timeout; its `body` is used when `body` is `nil`.
    ///   - body: a streaming or file body, overriding `request.body`.
    ///   - progress: called on the client's event-loop thread as bytes move; keep it quick.
    public func execute(
        _ request: HTTPRequest, body: HTTPRequestBody? = nil, progress: (@Sendable (HTTPProgress) -> Void)? = nil
    ) async throws(PipeError) -> HTTPStreamingResponse {
        try await execute(request, body: body, progress: progress, bodyFileDescriptor: nil)
    }

    /// The receive buffer of a response ``send(_:)`` collects: curl's own default. libcurl allocates the buffer
    /// afresh for every transfer, and one the size of ``Configuration/receiveBufferBytes`` (512 KiB) lies past
    /// glibc's trim threshold, so the allocator handed the memory back to the kernel after many small requests and
    /// faulted it in again on the next (a system call, a TLB flush on every core, and page faults, per request).
    /// Collected answers are mostly small; streamed and downloaded bodies keep the big buffer.
    static let collectedReceiveBufferBytes = 16 * 1024

    /// ``execute(_:body:progress:)`` with an optional file a 2xx body is written to directly, and curl's receive
    /// buffer size (``Configuration/receiveBufferBytes`` unless given).
    func execute(
        _ request: HTTPRequest, body: HTTPRequestBody?, progress: (@Sendable (HTTPProgress) -> Void)?,
        bodyFileDescriptor: Int32?, receiveBufferBytes: Int? = nil
    ) async throws(PipeError) -> HTTPStreamingResponse {
        try request.headers.validate()
        guard let scheme = request.url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            request.url.host != nil
        else {
            throw PipeError(.invalidArgument, "not an absolute http(s) URL: \(request.url.absoluteString)")
        }
        var request = request
        var body = body ?? (request.body.isEmpty ? nil : .bytes(request.body))
        var redirects = 0
        let first = request.url  // the origin redirects are judged against, worked out only when one comes
        while true {
            let response = try await perform(
                request, body: body, progress: progress, bodyFileDescriptor: bodyFileDescriptor,
                receiveBufferBytes: receiveBufferBytes ?? configuration.receiveBufferBytes)
            guard let next = redirect(after: response, request: request, body: body, firstURL: first) else {
                return response
            }
            redirects += 1
            guard redirects <= configuration.redirects.maximum else {
                throw PipeError(.protocolError, "more than \(configuration.redirects.maximum) redirects")
            }
            logger.debug("following redirect", metadata: ["status": "\(response.status)", "to": "\(next.0.url)"])
            response.body.lifetime.cancel()  // drop the redirect's own body and free its connection
            (request, body) = next
        }
    }

    /// One exchange, without redirects.
    func perform(
        _ request: HTTPRequest, body: HTTPRequestBody?, progress: (@Sendable (HTTPProgress) -> Void)?,
        bodyFileDescriptor: Int32?, receiveBufferBytes: Int
    ) async throws(PipeError) -> HTTPStreamingResponse {
        // POST, PUT and PATCH without a body still say `Content-Length: 0` (some servers insist).
        let carriesBody = [HTTPMethod.post, .put, .patch].contains(request.method)
        let opened = try (body ?? (carriesBody ? .bytes([]) : nil))?.open(
            streamBuffer: configuration.requestBufferBytes)
        let settings = TransferSettings(
            connectTimeout: configuration.connectTimeout,
            requestTimeout: request.timeout ?? configuration.requestTimeout,
            stallTimeout: configuration.stallTimeout,
            maxResponseBytes: nil,
            responseBufferBytes: configuration.responseBufferBytes,
            receiveBufferBytes: receiveBufferBytes,
            uploadLength: opened?.1,
            hasBody: opened != nil,
            bodyFileDescriptor: bodyFileDescriptor)
        let method = request.method.rawValue
        let metrics = self.metrics
        let started = ContinuousClock.now
        let transfer = Transfer(
            id: nextID.wrappingAdd(1, ordering: .relaxed).oldValue, request: request, settings: settings,
            body: opened?.0, progress: progress, logger: logger,
            onFinish: { result, status, sent, received in
                switch result {
                case .success:
                    metrics.finished(
                        method: method, status: status, duration: .now - started, sent: sent, received: received)
                case .failure(let error):
                    metrics.failed(method: method, error: error)
                }
            })
        let lifetime = TransferLifetime(transfer: transfer, loop: loop)
        logger.trace("request", metadata: ["method": "\(method)", "url": "\(request.url)", "id": "\(transfer.id)"])

        if let source = opened?.0, case .stream(_, let produce) = body?.storage {
            let loop = self.loop
            // Weak: the source lives inside the transfer, so a strong capture would be a cycle.
            source.onResume = { [weak transfer] in if let transfer { loop.submit(.resume(transfer)) } }
            Task {
                var failure: PipeError?
                do {
                    try await produce(source)
                } catch let error as PipeError {
                    failure = error
                } catch {
                    failure = PipeError(.invalidArgument, "the request body stream failed: \(error)")
                }
                if source.end(failure) { loop.submit(.resume(transfer)) }
            }
        }

        let head: ResponseHead
        do {
            head = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation {
                    (continuation: CheckedContinuation<ResponseHead, any Error>) in
                    transfer.waitForHead(continuation)
                    if !loop.submit(.start(transfer)) {
                        transfer.finish(.failure(CurlError.error(for: .shutdown)))
                    }
                }
            } onCancel: {
                lifetime.cancel()
            }
        } catch let error as PipeError {
            logger.debug("request failed", metadata: ["id": "\(transfer.id)", "error": "\(error)"])
            throw error
        } catch {
            throw PipeError(.internalError, "\(error)")
        }
        return HTTPStreamingResponse(
            status: head.status, version: head.version, headers: head.parseHeaders(),
            body: HTTPResponseBody(lifetime: lifetime))
    }

    /// The next request and body when `response` is a redirect the policy follows; else `nil`.
    func redirect(
        after response: HTTPStreamingResponse, request: HTTPRequest, body: HTTPRequestBody?, firstURL: URL
    ) -> (HTTPRequest, HTTPRequestBody?)? {
        let policy = configuration.redirects
        guard policy.maximum > 0, [301, 302, 303, 307, 308].contains(response.status),
            let location = response.headers["Location"],
            let target = URL(string: location, relativeTo: request.url)?.absoluteURL,
            let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else { return nil }
        if request.url.scheme?.lowercased() == "https" && scheme == "http" { return nil }  // never downgrade
        let crossOrigin = RedirectPolicy.origin(of: target) != RedirectPolicy.origin(of: firstURL)
        if crossOrigin && !policy.allowsCrossOrigin { return nil }
        var next = request
        next.url = target
        var nextBody = body
        let keepsMethod = response.status == 307 || response.status == 308
        if !keepsMethod && (response.status == 303 || request.method == .post) {
            if request.method != .head { next.method = .get }
            next.body = []
            nextBody = nil
            next.headers.remove(name: "Content-Type")
            next.headers.remove(name: "Content-Length")
        }
        // A stream has been consumed: it cannot be sent again, so the redirect is returned.
        if let nextBody, !nextBody.isReplayable { return nil }
        if crossOrigin {
            for name in ["Authorization", "Cookie", "Proxy-Authorization"] { next.headers.remove(name: name) }
        }
        return (next, nextBody)
    }
}

extension CurlHTTPClient {
    /// Everything a client is set up with. The defaults suit calls to APIs: connection reuse,
    /// HTTP/2 where the server offers it over TLS, no redirects, bounded waits.
    public struct Configuration: Sendable {
        /// The most time to set up a connection (DNS, TCP, TLS).
        public var connectTimeout: Duration = .seconds(10)
        /// The most time one whole request may take, from the moment its transfer starts to the last
        /// byte received (time paused for a slow reader counts); `nil` for no limit (long streaming
        /// downloads). A request's own `timeout` overrides it.
        public var requestTimeout: Duration? = .seconds(60)
        /// The longest time no byte may move in either direction before the transfer is abandoned;
        /// time spent paused because the caller reads slowly does not count.
        public var stallTimeout: Duration? = .seconds(30)
        /// Which redirects to follow; none by default.
        public var redirects: RedirectPolicy = .none
        /// A proxy URL (`http://proxy:3128`, `socks5h://…`); `nil` for a direct connection. The
        /// environment (`http_proxy`…) is never consulted: configuration is explicit.
        public var proxy: String?
        /// Hosts that bypass the proxy, comma-separated (curl's `NOPROXY` syntax).
        public var noProxy: String?
        /// TLS settings.
        public var tls = TLSConfiguration()
        /// Whether to offer HTTP/2 (negotiated over TLS with ALPN); HTTP/1.1 otherwise.
        public var http2 = true
        /// Whether to ask for compressed responses (`Accept-Encoding`) and decode them.
        public var acceptsCompression = true
        /// The most connections to one host; further requests wait for a free one (or share an
        /// HTTP/2 connection).
        public var maxConnectionsPerHost = 8
        /// The most connections in total, and the size of the idle connection pool.
        public var maxConnections = 64
        /// How many response bytes to buffer ahead of a slow reader before pausing the transfer.
        public var responseBufferBytes = 1 << 20
        /// The size of curl's receive buffer per streamed or downloaded transfer: the largest chunk the body
        /// sequence yields. Larger chunks mean less work per byte on big downloads, at this much memory per active
        /// transfer. A response ``CurlHTTPClient/send(_:)`` collects uses curl's 16 KiB default (or this, if smaller).
        public var receiveBufferBytes = 512 * 1024
        /// How many request bytes to buffer ahead of a streaming upload.
        public var requestBufferBytes = 1 << 20
        /// The largest body ``CurlHTTPClient/send(_:)`` collects into memory.
        public var maxCollectedResponseBytes = 64 << 20

        /// The defaults.
        public init() {}
    }
}

import CCurl
import Foundation
import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Sets up an easy handle for a ``Transfer``: options, headers and the C callbacks.
enum CurlEasy {
    static func responseCode(_ easy: OpaquePointer) -> Int {
        var code = 0
        _ = pipe_curl_easy_getinfo_long(UnsafeMutableRawPointer(easy), CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// An easy handle kept between transfers by the event loop.
    struct IdleHandle {
        let handle: UnsafeMutableRawPointer
        /// Still carries the client-wide options, and only per-request ones need setting again: it was not
        /// `curl_easy_reset`.
        let configured: Bool
    }

    /// Makes and configures the easy handle of `transfer`; the caller adds it to the multi handle.
    /// `reusing` is an idle handle from an earlier transfer of the same client.
    static func make(
        for transfer: Transfer, client: ClientOptions, reusing idle: IdleHandle? = nil
    ) throws(PipeError) -> OpaquePointer {
        guard let handle = idle?.handle ?? curl_easy_init() else {
            throw PipeError(.unavailable, "curl_easy_init failed")
        }
        let easy = OpaquePointer(handle)
        transfer.easy = easy
        let request = transfer.request
        let settings = transfer.settings
        let h = UnsafeMutableRawPointer(handle)
        let options = Options(handle: h)

        if idle?.configured != true { try configure(options, client: client) }

        // Every option below is set for every request, to its default when the request does not need it, so
        // nothing of the handle's previous request carries over.
        try options.string(CURLOPT_URL, request.url.absoluteString)
        try options.long(CURLOPT_CONNECTTIMEOUT_MS, Int(settings.connectTimeout.milliseconds))
        try options.long(CURLOPT_TIMEOUT_MS, settings.requestTimeout.map { max(1, Int($0.milliseconds)) } ?? 0)
        _ = pipe_curl_easy_setopt_pointer(h, CURLOPT_ERRORBUFFER, transfer.errorBufferPointer)
        // A handle still attached to a multiplexed connection may refuse a new size; it then keeps the one it has,
        // which is only a matter of speed.
        _ = pipe_curl_easy_setopt_long(h, CURLOPT_BUFFERSIZE, min(max(settings.receiveBufferBytes, 1024), 512 * 1024))

        // Method and body. HTTPGET first: it switches off the upload and no-body modes of a previous request.
        let method = request.method.rawValue
        try options.long(CURLOPT_HTTPGET, 1)
        if request.method == .head {
            try options.long(CURLOPT_NOBODY, 1)
        } else if settings.hasBody {
            try options.long(CURLOPT_UPLOAD, 1)
        }
        try CurlError.check(
            pipe_curl_easy_setopt_offset(h, CURLOPT_INFILESIZE_LARGE, settings.uploadLength.map { curl_off_t($0) } ?? -1),
            "body size")
        // curl's own method: GET, HEAD (no body), PUT (upload); any other, or a GET with a body, is named.
        let named = request.method != .head && (request.method != .get || settings.hasBody)
        try options.string(CURLOPT_CUSTOMREQUEST, named ? method : nil)

        // Headers: ours, plus an empty Expect (no 100-continue round trip) when uploading.
        var list: UnsafeMutablePointer<curl_slist>?
        for field in request.headers {
            list = curl_slist_append(list, "\(field.name): \(field.value)")
        }
        if settings.hasBody && !request.headers.contains(name: "Expect") { list = curl_slist_append(list, "Expect:") }
        transfer.headerList = list
        try CurlError.check(pipe_curl_easy_setopt_slist(h, CURLOPT_HTTPHEADER, list), "headers")

        // Callbacks reach the transfer through an unretained pointer; the loop's table keeps it alive.
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        _ = pipe_curl_easy_setopt_pointer(h, CURLOPT_HEADERDATA, context)
        _ = pipe_curl_easy_setopt_pointer(h, CURLOPT_WRITEDATA, context)
        _ = pipe_curl_easy_setopt_pointer(h, CURLOPT_READDATA, context)
        _ = pipe_curl_easy_setopt_pointer(h, CURLOPT_XFERINFODATA, context)
        _ = pipe_curl_easy_setopt_pointer(h, CURLOPT_PRIVATE, context)
        _ = pipe_curl_easy_setopt_pointer(h, CURLOPT_SEEKDATA, settings.hasBody ? context : nil)
        _ = pipe_curl_easy_setopt_seek_callback(h, settings.hasBody ? seekCallback : nil)
        return easy
    }

    /// The options every request of a client shares, set once per handle.
    private static func configure(_ options: Options, client: ClientOptions) throws(PipeError) {
        let h = options.handle
        try options.long(CURLOPT_NOSIGNAL, 1)
        try options.long(CURLOPT_FOLLOWLOCATION, 0)  // redirects are followed (or not) by the client, by policy
        try options.long(CURLOPT_PIPEWAIT, 1)  // prefer multiplexing on an HTTP/2 connection to opening another
        try options.long(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)  // hide a proxy's CONNECT response
        try options.long(CURLOPT_NOPROGRESS, 0)
        try options.long(
            CURLOPT_HTTP_VERSION, client.http2 ? Int(pipe_curl_http_version_2tls) : Int(pipe_curl_http_version_1_1))
        try options.string(CURLOPT_PROTOCOLS_STR, "http,https")
        if client.acceptEncoding { try options.string(CURLOPT_ACCEPT_ENCODING, "") }  // "" = every encoding curl supports

        // TLS
        try options.long(CURLOPT_SSLVERSION, Int(pipe_curl_sslversion_tlsv1_2))
        if let ca = client.tls.certificateAuthorityPath { try options.string(CURLOPT_CAINFO, ca) }
        if let cert = client.tls.clientCertificatePath { try options.string(CURLOPT_SSLCERT, cert) }
        if let key = client.tls.clientKeyPath { try options.string(CURLOPT_SSLKEY, key) }
        if !client.tls.verifyPeer {
            try options.long(CURLOPT_SSL_VERIFYPEER, 0)
            try options.long(CURLOPT_SSL_VERIFYHOST, 0)
        }

        // Proxy: only from configuration; curl's own environment lookup is switched off by
        // setting the option explicitly (an empty string means "no proxy").
        try options.string(CURLOPT_PROXY, client.proxy ?? "")
        if let noProxy = client.noProxy { try options.string(CURLOPT_NOPROXY, noProxy) }

        _ = pipe_curl_easy_setopt_data_callback(h, CURLOPT_HEADERFUNCTION, headerCallback)
        _ = pipe_curl_easy_setopt_data_callback(h, CURLOPT_WRITEFUNCTION, writeCallback)
        _ = pipe_curl_easy_setopt_data_callback(h, CURLOPT_READFUNCTION, readCallback)
        _ = pipe_curl_easy_setopt_xferinfo_callback(h, progressCallback)
    }
}

/// Sets an easy handle's options, failing with the option's number when curl refuses one.
private struct Options {
    let handle: UnsafeMutableRawPointer

    func long(_ option: CURLoption, _ value: Int) throws(PipeError) {
        try CurlError.check(pipe_curl_easy_setopt_long(handle, option, value), "option \(option.rawValue)")
    }

    /// curl copies string options (since 7.17), so a temporary C string is enough; `nil` restores the default.
    func string(_ option: CURLoption, _ value: String?) throws(PipeError) {
        let code =
            if let value { pipe_curl_easy_setopt_string(handle, option, value) } else {
                pipe_curl_easy_setopt_pointer(handle, option, nil)
            }
        try CurlError.check(code, "option \(option.rawValue)")
    }
}

private func transfer(_ context: UnsafeMutableRawPointer?) -> Transfer {
    Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
}

private let headerCallback: pipe_curl_data_callback = { buffer, size, count, context in
    let length = size * count
    transfer(context).headerLine(UnsafeRawBufferPointer(start: buffer, count: length))
    return length
}

private let writeCallback: pipe_curl_data_callback = { buffer, size, count, context in
    transfer(context).bodyBytes(UnsafeRawBufferPointer(start: buffer, count: size * count))
}

private let readCallback: pipe_curl_data_callback = { buffer, size, count, context in
    transfer(context).uploadBytes(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
}

private let seekCallback: pipe_curl_seek_callback = { context, offset, origin in
    guard origin == SEEK_SET, let body = transfer(context).body else { return pipe_curl_seekfunc_cantseek }
    return body.seek(to: Int64(offset))
}

private let progressCallback: pipe_curl_xferinfo_callback = {
    context, downloadTotal, downloaded, uploadTotal, uploaded in
    transfer(context).progress(
        sent: Int64(uploaded), toSend: Int64(uploadTotal), received: Int64(downloaded),
        toReceive: Int64(downloadTotal)) ? 0 : 1
}

extension Duration {
    /// Whole milliseconds, rounded up so that a positive duration never becomes "no timeout".
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    }
}

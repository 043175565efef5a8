import CCurl
import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// libcurl's process-wide initialisation, done exactly once.
///
/// `curl_global_init` is not thread-safe against other libcurl calls, so every entry point goes
/// through ``ensureInitialized()`` first; Swift runs a `static let` initialiser once, atomically.
enum CurlGlobal {
    static let initialized: Bool = {
        #if canImport(Glibc) || canImport(Musl)
            // A peer closing a socket must not kill the process; curl sets MSG_NOSIGNAL where it can,
            // but OpenSSL writes may still raise SIGPIPE.
            signal(SIGPIPE, SIG_IGN)
        #elseif canImport(Darwin)
            signal(SIGPIPE, SIG_IGN)
        #endif
        return curl_global_init(pipe_curl_global_default) == CURLE_OK
    }()

    static func ensureInitialized() throws(PipeError) {
        guard initialized else { throw PipeError(.internalError, "libcurl failed to initialise") }
    }

    /// The libcurl version and whether it was built with HTTP/2.
    static var version: (text: String, http2: Bool) {
        guard let info = pipe_curl_version_info() else { return ("unknown", false) }
        let text = info.pointee.version.map { String(cString: $0) } ?? "unknown"
        return (text, Int(info.pointee.features) & Int(pipe_curl_version_http2) != 0)
    }
}

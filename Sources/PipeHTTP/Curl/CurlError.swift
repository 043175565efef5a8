import CCurl
import PipeCore

/// Maps libcurl result codes to `PipeError`s users can act on.
enum CurlError {
    /// Why our own callbacks aborted a transfer; curl only reports "aborted by callback".
    enum AbortReason: Sendable {
        case cancelled
        case stalled(Duration)
        case tooLarge(Int)
        case bodyFailed(PipeError)
        case shutdown
    }

    static func error(_ code: CURLcode, detail: String, abort: AbortReason?) -> PipeError {
        if let abort { return error(for: abort) }
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        let details = ["curlCode": String(code.rawValue)]
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return PipeError(.dnsFailure, text, details: details)
        case CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PROXY:
            // Refused, reset or broken connections: worth retrying on a new connection.
            return PipeError(.connectionFailed, text, details: details)
        case CURLE_OPERATION_TIMEDOUT:
            return PipeError(.timeout, text, details: details)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_CLIENTCERT,
            CURLE_USE_SSL_FAILED:
            return PipeError(.tlsFailure, text, details: details)
        case CURLE_URL_MALFORMAT, CURLE_BAD_FUNCTION_ARGUMENT:
            return PipeError(.invalidArgument, text, details: details)
        case CURLE_FILESIZE_EXCEEDED:
            return PipeError(.limitExceeded, text, details: details)
        case CURLE_OUT_OF_MEMORY:
            return PipeError(.unavailable, text, details: details)
        default:
            // Garbage replies (curl reports HTTP/0.9 as "unsupported protocol": the scheme was checked
            // before sending), empty replies, connections closed mid-body, HTTP/2 stream errors,
            // send and receive failures.
            return PipeError(.protocolError, text, details: details)
        }
    }

    /// A request whose time ran out before a connection was made: curl's own words ("Failed to resolve host …
    /// after 0 ms") blame the resolver for what is, far more often, a queue behind busy connections.
    static func timedOutBeforeConnecting(
        host: String, port: Int?, limit: Duration?, maxConnectionsPerHost: Int, detail: String
    ) -> PipeError {
        let target = port.map { "\(host):\($0)" } ?? host
        let after = limit.map { " after \($0)" } ?? ""
        return PipeError(
            .timeout,
            "the request timed out\(after) before a connection to \(target) was made: all \(maxConnectionsPerHost) "
                + "connections this client opens to one host were busy (see maxConnectionsPerHost), "
                + "or the host name did not resolve in time",
            details: ["timeout": "connection", "curlCode": String(CURLE_OPERATION_TIMEDOUT.rawValue), "curl": detail])
    }

    static func error(for abort: AbortReason) -> PipeError {
        switch abort {
        case .cancelled: PipeError(.cancelled, "the request was cancelled")
        case .shutdown: PipeError(.cancelled, "the HTTP client was shut down")
        case .stalled(let limit): PipeError(.timeout, "no data moved for \(limit)", details: ["timeout": "stall"])
        case .tooLarge(let limit): PipeError(.limitExceeded, "the response body is larger than \(limit) bytes")
        case .bodyFailed(let error): error
        }
    }

    static func check(_ code: CURLcode, _ what: String) throws(PipeError) {
        guard code == CURLE_OK else {
            throw PipeError(.invalidArgument, "\(what): \(String(cString: curl_easy_strerror(code)))")
        }
    }
}

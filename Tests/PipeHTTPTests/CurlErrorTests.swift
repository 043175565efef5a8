import CCurl
import PipeCore
import Testing

@testable import PipeHTTP

/// The result-code mapping, including the failures the tests cannot provoke here (DNS needs a
/// resolver, and the test machine reaches no network but loopback).
@Suite("curl error mapping")
struct CurlErrorTests {
    @Test("codes map to the documented error kinds")
    func mapping() {
        let cases: [(CURLcode, PipeError.Code)] = [
            (CURLE_COULDNT_RESOLVE_HOST, .dnsFailure), (CURLE_COULDNT_RESOLVE_PROXY, .dnsFailure),
            (CURLE_COULDNT_CONNECT, .connectionFailed), (CURLE_OPERATION_TIMEDOUT, .timeout),
            (CURLE_PEER_FAILED_VERIFICATION, .tlsFailure), (CURLE_SSL_CONNECT_ERROR, .tlsFailure),
            (CURLE_GOT_NOTHING, .protocolError), (CURLE_PARTIAL_FILE, .protocolError),
            (CURLE_HTTP2_STREAM, .protocolError), (CURLE_WEIRD_SERVER_REPLY, .protocolError),
            (CURLE_URL_MALFORMAT, .invalidArgument), (CURLE_FILESIZE_EXCEEDED, .limitExceeded),
        ]
        for (code, expected) in cases {
            #expect(CurlError.error(code, detail: "", abort: nil).code == expected, "\(code)")
        }
    }

    @Test("our own aborts win over curl's generic code")
    func aborts() {
        #expect(CurlError.error(CURLE_ABORTED_BY_CALLBACK, detail: "", abort: .cancelled).code == .cancelled)
        let stalled = CurlError.error(CURLE_ABORTED_BY_CALLBACK, detail: "", abort: .stalled(.seconds(1)))
        #expect(stalled.code == .timeout && stalled.details["timeout"] == "stall")
        #expect(CurlError.error(CURLE_WRITE_ERROR, detail: "", abort: .tooLarge(10)).code == .limitExceeded)
    }

    @Test("libcurl is initialised once and reports its version")
    func global() throws {
        try CurlGlobal.ensureInitialized()
        #expect(!CurlGlobal.version.text.isEmpty)
    }
}

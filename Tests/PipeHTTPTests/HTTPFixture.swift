import Foundation
import PipeTestSupport

@testable import PipeHTTP

/// A behaviour server and a default client, both stopped when the fixture goes away: what most
/// HTTP client suites need per test.
final class HTTPFixture: Sendable {
    let server: BehaviourServer
    let client: CurlHTTPClient

    init() throws {
        server = try BehaviourServer.start()
        client = try CurlHTTPClient()
    }

    deinit {
        client.shutdown()
        server.stop()
    }

    /// `path` on this fixture's server, or on `other`.
    func url(_ path: String, on other: BehaviourServer? = nil) -> URL {
        URL(string: (other ?? server).baseURL + path)!
    }
}

import Foundation
import PipeCore
import PipeHTTP
import Testing

@testable import PipeServer

@Suite("OpenAPI document", .serialized)
struct OpenAPIDocumentTests {
    /// A path with every parameter (and a trailing `**`) as `{}`, so the router's and the document's spellings compare.
    static func shape(_ path: String) -> String {
        path.split(separator: "/").map { part in
            part.hasPrefix("{") || part.hasPrefix(":") || part == "**" ? "{}" : String(part)
        }.joined(separator: "/")
    }

    @Test("served as JSON; every route the router has is described, and nothing it lacks")
    func matchesTheRouter() async throws {
        try await ServerFixture.with { server in
            let response = try await server.send(.get, "/v1/openapi.json")
            #expect(response.status == 200 && response.headers["Content-Type"]?.hasPrefix("application/json") == true)
            let document = response.json
            #expect(document["openapi"] == "3.1.0")
            let paths = try #require(document["paths"]?.objectValue)
            var described: Set<String> = []
            for member in paths {
                for method in ["get", "put", "post", "patch", "delete", "head"] where member.value[method] != nil {
                    described.insert("\(method.uppercased()) \(Self.shape(member.key))")
                }
            }
            let routed = Set(
                server.server.routeList().map { route in
                    let parts = route.split(separator: " ", maxSplits: 1)
                    return "\(parts[0]) \(Self.shape(String(parts[1])))"
                })
            #expect(routed.count >= 60 && described.count == routed.count)
            #expect(routed.subtracting(described).sorted() == [], "routes the document lacks")
            #expect(described.subtracting(routed).sorted() == [], "operations the router lacks")
        }
    }
}

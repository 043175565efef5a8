import Foundation
import PipeCore
import Testing

@Suite("PipeError")
struct PipeErrorTests {
    @Test("codes are stable strings with HTTP statuses")
    func codes() throws {
        #expect(PipeError.Code.bucketNotFound.rawValue == "bucket_not_found")
        #expect(PipeError.Code.bucketNotFound.httpStatus == 404)
        #expect(PipeError.Code(rawValue: "invalid_json").httpStatus == 400)
        #expect(PipeError.Code(rawValue: "from_a_newer_server").httpStatus == 500)
        let data = try JSONEncoder().encode(PipeError.Code.rateLimited)
        #expect(String(decoding: data, as: UTF8.self) == "\"rate_limited\"")
        #expect(try JSONDecoder().decode(PipeError.Code.self, from: data).httpStatus == 429)
    }

    @Test("matching by code")
    func matching() {
        let error = PipeError(.objectNotFound, "no such object", details: ["key": "a.txt"])
        #expect(PipeError.Code.objectNotFound ~= error)
        #expect(error.description == "object_not_found: no such object")
        #expect(error.httpStatus == 404)
    }
}

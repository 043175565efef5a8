import Foundation
import Testing

@testable import PipeServer

@Suite("HTTP dates")
struct HTTPDateTests {
    @Test("IMF-fixdate: the RFC's example, and format then parse gives the same second")
    func roundTrip() {
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 784_111_777)) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 GMT")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_102_444_800, using: &generator)) + 0.75)
            let text = HTTPDate.format(date)
            #expect(HTTPDate.parse(text) == Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)), "\(text)")
        }
        #expect(HTTPDate.parse("yesterday") == nil)
    }
}

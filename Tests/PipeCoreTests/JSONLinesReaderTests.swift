import Foundation
import PipeCore
import Testing

@Suite("JSON Lines reader")
struct JSONLinesReaderTests {
    func withFile(_ contents: [UInt8], _ body: (Int32) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-jsonl-\(UUID().uuidString)")
        try Data(contents).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        try body(handle.fileDescriptor)
    }

    @Test("lines across chunk boundaries, blank lines, CRLF and a last line without newline")
    func lines() throws {
        var text = ""
        for i in 0..<5_000 {
            text += "{\"i\":\(i),\"pad\":\"\(String(repeating: "x", count: i % 300))\"}\(i % 7 == 0 ? "\r\n\n" : "\n")"
        }
        text += "{\"i\":5000}"
        try withFile(Array(text.utf8)) { fd in
            var reader = JSONLinesReader(fileDescriptor: fd, chunkSize: 4096)
            var values: [JSONValue] = []
            try reader.forEachLine { (line, _) throws(PipeError) -> Bool in
                values.append(try JSONValue(parsing: line)["i"] ?? .null)
                return true
            }
            #expect(values == (0...5_000).map { JSONValue.int($0) })
        }
    }

    @Test("a line longer than the limit fails instead of growing without bound")
    func longLine() throws {
        let text = "[" + String(repeating: "1,", count: 50_000) + "1]\n"
        try withFile(Array(text.utf8)) { fd in
            var reader = JSONLinesReader(fileDescriptor: fd, chunkSize: 4096, maxLineBytes: 16_384)
            #expect(throws: PipeError.self) { try reader.forEachLine { _, _ in true } }
        }
    }

    @Test("stops when the body returns false")
    func stop() throws {
        try withFile(Array("1\n2\n3\n".utf8)) { fd in
            var reader = JSONLinesReader(fileDescriptor: fd)
            var count = 0
            try reader.forEachLine { _, number in
                count += 1
                return number < 2
            }
            #expect(count == 2)
        }
    }
}

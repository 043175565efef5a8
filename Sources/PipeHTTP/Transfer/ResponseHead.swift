import PipeCore

/// The status line and header fields of a response, before its body.
///
/// The event loop keeps the header lines as bytes in one buffer, and the task that waits for the head makes the
/// ``HTTPHeaders`` from them (``parseHeaders()``). Made on the loop thread, a dozen strings per response were freed on the
/// task's thread, each free taking the lock of the loop thread's allocator arena, which the loop then waited on.
struct ResponseHead: Sendable {
    var status: Int
    var version: String
    /// The header lines, without their line endings, each followed by a `\n` (a byte no header line holds).
    var headerLines: [UInt8]

    /// The header fields, in order, made from ``headerLines`` on each call; a value loses the spaces and tabs around
    /// it, and a line without a colon is skipped.
    func parseHeaders() -> HTTPHeaders {
        var headers = HTTPHeaders()
        headerLines.withUnsafeBytes { all in
            var start = 0
            while start < all.count {
                let end = all[start...].firstIndex(of: 0x0A) ?? all.count
                Self.add(UnsafeRawBufferPointer(rebasing: all[start..<end]), to: &headers)
                start = end + 1
            }
        }
        return headers
    }

    private static func add(_ line: UnsafeRawBufferPointer, to headers: inout HTTPHeaders) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        var start = colon + 1
        var stop = line.count
        while start < stop, line[start] == 0x20 || line[start] == 0x09 { start += 1 }
        while stop > start, line[stop - 1] == 0x20 || line[stop - 1] == 0x09 { stop -= 1 }
        headers.add(
            name: String(decoding: UnsafeRawBufferPointer(rebasing: line[..<colon]), as: UTF8.self),
            value: String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<stop]), as: UTF8.self))
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads JSON Lines (one JSON text per line) from a file descriptor with bounded memory.
///
/// The reader keeps one read-ahead chunk plus the current line, so memory grows with the longest
/// record, never with the file. Blank lines are skipped; a line longer than ``maxLineBytes`` fails
/// with ``PipeError/Code/limitExceeded`` rather than growing without bound.
///
/// ```swift
/// var reader = JSONLinesReader(fileDescriptor: 0)
/// try reader.forEachLine { line, lineNumber in
///     let record = try JSONValue(parsing: line)
///     return true  // keep reading
/// }
/// ```
public struct JSONLinesReader {
    /// The file descriptor read from; the caller owns (and closes) it.
    public let fileDescriptor: Int32
    /// Longest accepted line in bytes.
    public let maxLineBytes: Int
    var buffer: [UInt8]
    var start = 0
    var filled = 0
    var atEOF = false
    /// 1-based number of the line most recently returned.
    public private(set) var lineNumber = 0

    /// Creates a reader over an open file descriptor.
    public init(fileDescriptor: Int32, chunkSize: Int = 1 << 20, maxLineBytes: Int = 256 << 20) {
        self.fileDescriptor = fileDescriptor
        self.maxLineBytes = maxLineBytes
        buffer = [UInt8](repeating: 0, count: max(chunkSize, 4096))
    }

    /// Calls `body` with each non-blank line's bytes (without the newline) and its 1-based line
    /// number; the buffer is valid only during the call. Returns when the input ends or `body`
    /// returns `false`.
    public mutating func forEachLine(
        _ body: (_ line: UnsafeRawBufferPointer, _ lineNumber: Int) throws(PipeError) -> Bool
    ) throws(PipeError) {
        while true {
            // Hand out every complete line in the buffer.
            let step = buffer.withUnsafeBytes { raw in
                Result { () throws(PipeError) -> (Bool, Int) in
                    var s = start
                    while s < filled {
                        let remaining = filled - s
                        let lineEnd: Int
                        if let p = memchr(raw.baseAddress! + s, 0x0A, remaining) {
                            lineEnd = raw.baseAddress!.distance(to: UnsafeRawPointer(p))
                        } else if atEOF {
                            lineEnd = filled
                        } else {
                            break
                        }
                        lineNumber += 1
                        var e = lineEnd
                        if e > s, raw[e - 1] == 0x0D { e -= 1 }  // tolerate CRLF
                        let line = UnsafeRawBufferPointer(rebasing: raw[s..<e])
                        s = lineEnd + 1
                        if !Self.isBlank(line) {
                            if !(try body(line, lineNumber)) { return (false, s) }
                        }
                    }
                    return (true, s)
                }
            }
            let (found, newStart) = try step.get()
            start = min(newStart, filled)
            if !found { return }
            if atEOF { return }
            try refill()
        }
    }

    static func isBlank(_ line: UnsafeRawBufferPointer) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    /// Moves the partial line to the front, grows the buffer if one line fills it, then reads more.
    mutating func refill() throws(PipeError) {
        if start > 0 {
            let count = filled - start
            buffer.withUnsafeMutableBytes { raw in
                if count > 0 { raw.baseAddress!.copyMemory(from: raw.baseAddress! + start, byteCount: count) }
            }
            filled = count
            start = 0
        }
        if filled == buffer.count {
            guard buffer.count < maxLineBytes else {
                throw PipeError(
                    .limitExceeded, "line \(lineNumber + 1) is longer than \(maxLineBytes) bytes",
                    details: ["line": String(lineNumber + 1)])
            }
            buffer.append(contentsOf: repeatElement(0, count: min(buffer.count, maxLineBytes - buffer.count)))
        }
        let n = buffer.withUnsafeMutableBytes { raw in
            read(fileDescriptor, raw.baseAddress! + filled, raw.count - filled)
        }
        if n < 0 {
            if errno == EINTR { return }
            throw PipeError(.unavailable, "read failed: errno \(errno)")
        }
        if n == 0 { atEOF = true } else { filled += n }
    }
}

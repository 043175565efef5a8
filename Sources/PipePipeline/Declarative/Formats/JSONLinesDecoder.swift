import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Decodes JSON Lines a chunk at a time: complete lines parse straight from the chunk, and only a line cut by
/// the chunk's end is copied aside. Blank lines are skipped; `\r\n` endings are accepted.
struct JSONLinesDecoder: RecordDecoder {
    let maxRecordBytes: Int
    /// The fields the pipeline reads, when it reads only some (see `JSONFieldSelection`).
    let selection: JSONFieldSelection?
    private var carry: [UInt8] = []
    private var line = 0

    init(maxRecordBytes: Int, selection: JSONFieldSelection? = nil, firstLine: Int = 0) {
        self.maxRecordBytes = maxRecordBytes
        self.selection = selection
        line = firstLine
    }

    /// Decodes a buffer of whole lines.
    mutating func decode(_ bytes: [UInt8], into records: inout [JSONValue]) throws(PipeError) {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(PipeError) in try feed(raw, into: &records) }
        }
        try result.get()
        try finish(into: &records)
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer, into records: inout [JSONValue]) throws(PipeError) {
        var start = 0
        while start < bytes.count {
            guard let found = memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start) else {
                guard carry.count + bytes.count - start <= maxRecordBytes else { throw tooLong() }
                carry.append(contentsOf: bytes[start...])
                return
            }
            let newline = bytes.baseAddress!.distance(to: UnsafeRawPointer(found))
            if carry.isEmpty {
                try emit(UnsafeRawBufferPointer(rebasing: bytes[start..<newline]), into: &records)
            } else {
                carry.append(contentsOf: bytes[start..<newline])
                let pending = carry
                carry.removeAll(keepingCapacity: true)
                let result = pending.withUnsafeBytes { raw in
                    Result { () throws(PipeError) in try emit(raw, into: &records) }
                }
                try result.get()
            }
            start = newline + 1
        }
    }

    mutating func finish(into records: inout [JSONValue]) throws(PipeError) {
        guard !carry.isEmpty else { return }
        let pending = carry
        carry = []
        let result = pending.withUnsafeBytes { raw in
            Result { () throws(PipeError) in try emit(raw, into: &records) }
        }
        try result.get()
    }

    private mutating func emit(_ raw: UnsafeRawBufferPointer, into records: inout [JSONValue]) throws(PipeError) {
        line += 1
        var text = raw
        if let last = text.last, last == 0x0D { text = UnsafeRawBufferPointer(rebasing: text.dropLast()) }
        if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        guard text.count <= maxRecordBytes else { throw tooLong() }
        do {
            if let selection {
                records.append(try JSONValue(parsing: text, selecting: selection))
            } else {
                records.append(try JSONValue(parsing: text))
            }
        } catch {
            var details = error.details
            details["line"] = String(line)
            throw PipeError(error.code, "line \(line): \(error.message)", details: details)
        }
    }

    private func tooLong() -> PipeError {
        PipeError(
            .limitExceeded, "line \(line + 1) is longer than \(maxRecordBytes) bytes",
            details: ["line": String(line + 1)])
    }
}

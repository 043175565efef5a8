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

    /// Decodes a buffer of whole lines, handing each record to `each` as soon as it is parsed (so it can be
    /// used while it is still in the cache, and freed).
    mutating func decode(_ bytes: [UInt8], each: (JSONValue) throws(PipeError) -> Void) throws(PipeError) {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(PipeError) in try feed(raw, each: each) }
        }
        try result.get()
        try finish(each: each)
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer, into records: inout [JSONValue]) throws(PipeError) {
        try feed(bytes) { (record: JSONValue) throws(PipeError) in records.append(record) }
    }

    mutating func finish(into records: inout [JSONValue]) throws(PipeError) {
        try finish { (record: JSONValue) throws(PipeError) in records.append(record) }
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer, each: (JSONValue) throws(PipeError) -> Void) throws(PipeError) {
        var start = 0
        while start < bytes.count {
            guard let found = memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start) else {
                guard carry.count + bytes.count - start <= maxRecordBytes else { throw tooLong() }
                carry.append(contentsOf: bytes[start...])
                return
            }
            let newline = bytes.baseAddress!.distance(to: UnsafeRawPointer(found))
            if carry.isEmpty {
                try emit(UnsafeRawBufferPointer(rebasing: bytes[start..<newline]), each: each)
            } else {
                carry.append(contentsOf: bytes[start..<newline])
                let pending = carry
                carry.removeAll(keepingCapacity: true)
                let result = pending.withUnsafeBytes { raw in
                    Result { () throws(PipeError) in try emit(raw, each: each) }
                }
                try result.get()
            }
            start = newline + 1
        }
    }

    mutating func finish(each: (JSONValue) throws(PipeError) -> Void) throws(PipeError) {
        guard !carry.isEmpty else { return }
        let pending = carry
        carry = []
        let result = pending.withUnsafeBytes { raw in
            Result { () throws(PipeError) in try emit(raw, each: each) }
        }
        try result.get()
    }

    private mutating func emit(_ raw: UnsafeRawBufferPointer, each: (JSONValue) throws(PipeError) -> Void)
        throws(PipeError)
    {
        line += 1
        var text = raw
        if let last = text.last, last == 0x0D { text = UnsafeRawBufferPointer(rebasing: text.dropLast()) }
        if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        guard text.count <= maxRecordBytes else { throw tooLong() }
        let record: JSONValue
        do {
            if let selection {
                record = try JSONValue(parsing: text, selecting: selection)
            } else {
                record = try JSONValue(parsing: text)
            }
        } catch {
            var details = error.details
            details["line"] = String(line)
            throw PipeError(error.code, "line \(line): \(error.message)", details: details)
        }
        try each(record)
    }

    private func tooLong() -> PipeError {
        PipeError(
            .limitExceeded, "line \(line + 1) is longer than \(maxRecordBytes) bytes",
            details: ["line": String(line + 1)])
    }
}

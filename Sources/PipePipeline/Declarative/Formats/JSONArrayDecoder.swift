import PipeCore

/// Decodes one JSON array of records a chunk at a time, handing out each element as soon as it is complete, so
/// memory is bounded by the largest element rather than the array.
///
/// It finds element boundaries by tracking strings, escapes and nesting; each element is then parsed (and fully
/// validated) by the JSON parser.
struct JSONArrayDecoder: RecordDecoder {
    enum Phase {
        /// Before the opening `[`.
        case start
        /// After `[` or `,`: an element (or, after `[`, the closing `]`) comes next.
        case beforeElement(first: Bool)
        /// Inside an element.
        case element
        /// After an element: `,` or `]`.
        case afterElement
        /// After the closing `]`: only whitespace may follow.
        case end
    }

    let maxRecordBytes: Int
    /// The fields the pipeline reads, when it reads only some (see `JSONFieldSelection`).
    let selection: JSONFieldSelection?
    private var phase = Phase.start
    private var element: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var index = 0

    init(maxRecordBytes: Int, selection: JSONFieldSelection? = nil) {
        self.maxRecordBytes = maxRecordBytes
        self.selection = selection
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer, into records: inout [JSONValue]) throws(PipeError) {
        var position = 0
        while position < bytes.count {
            let byte = bytes[position]
            switch phase {
            case .start:
                if Self.isSpace(byte) {
                } else if byte == UInt8(ascii: "[") {
                    phase = .beforeElement(first: true)
                } else {
                    throw invalid("the input is not a JSON array")
                }
            case .beforeElement(let first):
                if Self.isSpace(byte) {
                } else if byte == UInt8(ascii: "]") && first {
                    phase = .end
                } else if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") {
                    throw invalid("expected an element at element \(index + 1)")
                } else {
                    phase = .element
                    continue  // the element's first byte
                }
            case .element:
                // Scan ahead within the chunk to the element's end, then copy the run at once.
                var end = position
                var done = false
                while end < bytes.count {
                    let b = bytes[end]
                    if inString {
                        if escaped {
                            escaped = false
                        } else if b == UInt8(ascii: "\\") {
                            escaped = true
                        } else if b == UInt8(ascii: "\"") {
                            inString = false
                        }
                    } else if b == UInt8(ascii: "\"") {
                        inString = true
                    } else if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") {
                        depth += 1
                    } else if b == UInt8(ascii: "]") || b == UInt8(ascii: "}") {
                        if depth == 0 {
                            done = true
                            break
                        }
                        depth -= 1
                    } else if b == UInt8(ascii: ","), depth == 0 {
                        done = true
                        break
                    }
                    end += 1
                }
                guard element.count + end - position <= maxRecordBytes else {
                    throw PipeError(
                        .limitExceeded, "element \(index + 1) is longer than \(maxRecordBytes) bytes",
                        details: ["element": String(index + 1)])
                }
                element.append(contentsOf: bytes[position..<end])
                position = end
                if done {
                    try emit(into: &records)
                    phase = .afterElement
                }
                continue
            case .afterElement:
                if Self.isSpace(byte) {
                } else if byte == UInt8(ascii: ",") {
                    phase = .beforeElement(first: false)
                } else if byte == UInt8(ascii: "]") {
                    phase = .end
                } else {
                    throw invalid("expected , or ] after element \(index)")
                }
            case .end:
                guard Self.isSpace(byte) else { throw invalid("unexpected text after the array") }
            }
            position += 1
        }
    }

    mutating func finish(into records: inout [JSONValue]) throws(PipeError) {
        guard case .end = phase else { throw invalid("the array is not closed") }
    }

    private mutating func emit(into records: inout [JSONValue]) throws(PipeError) {
        index += 1
        do {
            let selection = self.selection
            let result = element.withUnsafeBytes { raw in
                Result { () throws(PipeError) -> JSONValue in
                    if let selection { return try JSONValue(parsing: raw, selecting: selection) }
                    return try JSONValue(parsing: raw)
                }
            }
            records.append(try result.get())
        } catch {
            var details = error.details
            details["element"] = String(index)
            throw PipeError(error.code, "element \(index): \(error.message)", details: details)
        }
        element.removeAll(keepingCapacity: true)
    }

    private func invalid(_ message: String) -> PipeError {
        PipeError(.invalidJSON, message, details: ["element": String(index + 1)])
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
}

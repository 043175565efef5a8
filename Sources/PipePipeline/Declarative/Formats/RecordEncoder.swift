import PipeCore

/// Writes records as bytes in a ``RecordFormat``: JSON Lines, one JSON array, or CSV with a header row.
struct RecordEncoder: Sendable {
    let format: RecordFormat
    private var writer = JSONWriter(capacity: 1 << 16)
    private var columns: [String]?
    private var count = 0

    init(format: RecordFormat) {
        self.format = format
        if case .csv(let options) = format { columns = options.columns }
    }

    /// Appends one record to `output`.
    mutating func encode(_ record: JSONValue, into output: inout [UInt8]) throws(PipeError) {
        switch format {
        case .jsonLines:
            writer.reset()
            writer.write(record)
            output.append(contentsOf: writer.bytes)
            output.append(0x0A)
        case .jsonArray:
            output.append(count == 0 ? UInt8(ascii: "[") : UInt8(ascii: ","))
            writer.reset()
            writer.write(record)
            output.append(contentsOf: writer.bytes)
        case .csv(let options):
            if columns == nil {
                guard case .object(let object) = record else {
                    throw PipeError(.invalidArgument, "CSV needs object records, got \(record.kind.rawValue)")
                }
                columns = Array(object.keys)
            }
            let columns = columns ?? []
            if count == 0 && options.header {
                Self.appendRow(columns.map { .string($0) }, delimiter: options.delimiter, into: &output, with: &writer)
            }
            guard case .object(let object) = record else {
                throw PipeError(.invalidArgument, "CSV needs object records, got \(record.kind.rawValue)")
            }
            Self.appendRow(
                columns.map { object[$0] ?? .null }, delimiter: options.delimiter, into: &output, with: &writer)
        }
        count += 1
    }

    /// Appends what closes the output (the `]` of a JSON array).
    mutating func finish(into output: inout [UInt8]) {
        if case .jsonArray = format { output.append(contentsOf: count == 0 ? Array("[]".utf8) : [UInt8(ascii: "]")]) }
    }

    /// One CSV line: strings as they are, `null` as an empty field, other values as JSON text; a field holding the
    /// delimiter, a quote or a line break is quoted, with quotes doubled.
    static func appendRow(
        _ values: [JSONValue], delimiter: UInt8, into output: inout [UInt8], with writer: inout JSONWriter
    ) {
        for (index, value) in values.enumerated() {
            if index > 0 { output.append(delimiter) }
            let bytes: [UInt8]
            var isString = false
            switch value {
            case .null: continue
            case .string(let text):
                bytes = Array(text.utf8)
                isString = true
            default:
                writer.reset()
                writer.write(value)
                bytes = writer.bytes
            }
            // A string that would read back as something else (empty: null; `12`, `true`: a number or a
            // boolean, when types are inferred) is quoted, so a file written here reads back as it was.
            let needsQuotes =
                bytes.contains { $0 == delimiter || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
                || (isString && (try? CSVDecoder.inferred(bytes)) != nil)
            guard needsQuotes else {
                output.append(contentsOf: bytes)
                continue
            }
            output.append(UInt8(ascii: "\""))
            for byte in bytes {
                if byte == UInt8(ascii: "\"") { output.append(byte) }
                output.append(byte)
            }
            output.append(UInt8(ascii: "\""))
        }
        output.append(0x0A)
    }
}

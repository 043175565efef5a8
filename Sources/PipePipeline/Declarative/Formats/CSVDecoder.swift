import PipeCore

/// Decodes CSV (RFC 4180) a chunk at a time: quoted fields may hold delimiters, quotes (doubled) and line
/// breaks; rows end in `\n` or `\r\n`. Each row becomes an object of column name to field.
///
/// Columns come from the header row or from ``CSVOptions/columns``; a row with a different number of fields
/// is an error naming the row. Blank lines are skipped. With ``CSVOptions/inferTypes``, unquoted fields that read
/// as JSON numbers, `true` or `false` become those values and empty unquoted fields become `null`; quoted fields
/// always stay strings.
struct CSVDecoder: RecordDecoder {
    enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted
    }

    let options: CSVOptions
    let maxRecordBytes: Int
    private var columns: [String]?
    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fieldQuoted = false
    private var fields: [(bytes: [UInt8], quoted: Bool)] = []
    private var row = 0
    /// Bytes of the row being read, bounded by `maxRecordBytes`.
    private var rowBytes = 0

    init(options: CSVOptions, maxRecordBytes: Int) {
        self.options = options
        self.maxRecordBytes = maxRecordBytes
        columns = options.header ? nil : options.columns
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer, into records: inout [JSONValue]) throws(PipeError) {
        let delimiter = options.delimiter
        for byte in bytes {
            switch state {
            case .fieldStart:
                if byte == UInt8(ascii: "\"") {
                    state = .quoted
                    fieldQuoted = true
                } else if byte == delimiter {
                    endField()
                } else if byte == 0x0A {
                    try endRow(into: &records)
                } else if byte != 0x0D {
                    field.append(byte)
                    state = .unquoted
                }
            case .unquoted:
                if byte == delimiter {
                    endField()
                    state = .fieldStart
                } else if byte == 0x0A {
                    try endRow(into: &records)
                    state = .fieldStart
                } else if byte == UInt8(ascii: "\"") {
                    throw invalid("a quote inside an unquoted field")
                } else if byte != 0x0D {
                    field.append(byte)
                }
            case .quoted:
                if byte == UInt8(ascii: "\"") { state = .quoteInQuoted } else { field.append(byte) }
            case .quoteInQuoted:
                if byte == UInt8(ascii: "\"") {
                    field.append(byte)
                    state = .quoted
                } else if byte == delimiter {
                    endField()
                    state = .fieldStart
                } else if byte == 0x0A {
                    try endRow(into: &records)
                    state = .fieldStart
                } else if byte != 0x0D {
                    throw invalid("text after a closing quote")
                }
            }
            rowBytes += 1
            if rowBytes > maxRecordBytes {
                throw PipeError(
                    .limitExceeded, "row \(row + 1) is longer than \(maxRecordBytes) bytes",
                    details: ["row": String(row + 1)])
            }
        }
    }

    mutating func finish(into records: inout [JSONValue]) throws(PipeError) {
        if case .quoted = state { throw invalid("a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty || fieldQuoted { try endRow(into: &records) }
    }

    private mutating func endField() {
        fields.append((field, fieldQuoted))
        field.removeAll(keepingCapacity: true)
        fieldQuoted = false
    }

    private mutating func endRow(into records: inout [JSONValue]) throws(PipeError) {
        endField()
        row += 1
        rowBytes = 0
        defer { fields.removeAll(keepingCapacity: true) }
        if fields.count == 1 && fields[0].bytes.isEmpty && !fields[0].quoted { return }  // a blank line
        guard let columns else {
            var names: [String] = []
            for (bytes, _) in fields { names.append(try text(bytes)) }
            guard options.header else {
                throw invalid("the file has no header row, so CSVOptions.columns must name the columns", row: row)
            }
            guard Set(names).count == names.count else { throw invalid("the header names a column twice", row: row) }
            columns = names
            return
        }
        guard fields.count == columns.count else {
            throw invalid("it has \(fields.count) fields; the header has \(columns.count)", row: row)
        }
        var object = JSONObject()
        for (name, field) in zip(columns, fields) {
            object[name] = try value(field.bytes, quoted: field.quoted)
        }
        records.append(.object(object))
    }

    private func value(_ bytes: [UInt8], quoted: Bool) throws(PipeError) -> JSONValue {
        guard options.inferTypes, !quoted else { return .string(try text(bytes)) }
        if let inferred = try Self.inferred(bytes) { return inferred }
        return .string(try text(bytes))
    }

    /// `null`, `true`, `false` or a number for an unquoted field that reads as one.
    static func inferred(_ bytes: [UInt8]) throws(PipeError) -> JSONValue? {
        guard let first = bytes.first else { return .null }
        if bytes == Array("true".utf8) { return .bool(true) }
        if bytes == Array("false".utf8) { return .bool(false) }
        guard first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return nil }
        guard case .number(let number)? = try? JSONValue(parsing: bytes) else { return nil }
        return .number(number)
    }

    private func text(_ bytes: [UInt8]) throws(PipeError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw invalid("invalid UTF-8") }
        return text
    }

    /// An error about the row being read (`row + 1`), or about `row` once it has ended.
    private func invalid(_ problem: String, row ended: Int? = nil) -> PipeError {
        let row = ended.map { $0 - 1 } ?? self.row
        return PipeError(.invalidArgument, "CSV row \(row + 1): \(problem)", details: ["row": String(row + 1)])
    }
}

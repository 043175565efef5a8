import PipeCore

/// How records are written as bytes, in a source, a sink or a `parse`/`format` step.
public enum RecordFormat: Sendable, Hashable {
    /// One JSON text per line (`jsonl`).
    case jsonLines
    /// One JSON array of records (`json`), read element by element so a large array never sits in memory.
    case jsonArray
    /// Comma-separated values (`csv`, RFC 4180): one record per row, an object of column name to value.
    case csv(CSVOptions)

    /// The format's name in a definition: `jsonl`, `json` or `csv`.
    public var name: String {
        switch self {
        case .jsonLines: "jsonl"
        case .jsonArray: "json"
        case .csv: "csv"
        }
    }

    /// A decoder for a byte stream in this format.
    func decoder(limits: PipelineLimits, selection: JSONFieldSelection? = nil) -> any RecordDecoder {
        switch self {
        case .jsonLines: JSONLinesDecoder(maxRecordBytes: limits.maxRecordBytes, selection: selection)
        case .jsonArray: JSONArrayDecoder(maxRecordBytes: limits.maxRecordBytes, selection: selection)
        case .csv(let options): CSVDecoder(options: options, maxRecordBytes: limits.maxRecordBytes)
        }
    }

    /// An encoder writing records in this format.
    func encoder() -> RecordEncoder { RecordEncoder(format: self) }
}

/// Options of the CSV format.
public struct CSVOptions: Sendable, Hashable {
    /// The byte between fields (`,` by default; `;` and tab are common).
    public var delimiter: UInt8
    /// Whether the first row names the columns (reading) or a header row is written (writing).
    public var header: Bool
    /// The column names: required to read a file without a header, and the columns (and their order) written.
    /// When writing without them, the first record's keys are the columns.
    public var columns: [String]?
    /// Whether a field that reads as a JSON number, `true`, `false` or an empty field (null) becomes that value
    /// rather than a string.
    public var inferTypes: Bool

    /// Makes options: a header row, commas, strings only.
    public init(
        delimiter: UInt8 = UInt8(ascii: ","), header: Bool = true, columns: [String]? = nil,
        inferTypes: Bool = false
    ) {
        self.delimiter = delimiter
        self.header = header
        self.columns = columns
        self.inferTypes = inferTypes
    }

    /// The options' JSON form in a definition.
    var json: JSONValue {
        var object: JSONObject = [
            "delimiter": .string(String(UnicodeScalar(delimiter))), "header": .bool(header),
            "inferTypes": .bool(inferTypes),
        ]
        if let columns { object["columns"] = .array(columns.map { .string($0) }) }
        return .object(object)
    }
}

/// Turns a byte stream into records, a chunk at a time; memory is bounded by the longest record.
protocol RecordDecoder: Sendable {
    /// Decodes every record completed by `bytes`, in order, keeping an unfinished tail for the next chunk.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, into records: inout [JSONValue]) throws(PipeError)
    /// Decodes what is left at the end of the stream.
    mutating func finish(into records: inout [JSONValue]) throws(PipeError)
}

extension RecordDecoder {
    /// Decodes a whole buffer.
    mutating func decodeAll(_ bytes: [UInt8]) throws(PipeError) -> [JSONValue] {
        var records: [JSONValue] = []
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(PipeError) in try feed(raw, into: &records) }
        }
        try result.get()
        try finish(into: &records)
        return records
    }
}

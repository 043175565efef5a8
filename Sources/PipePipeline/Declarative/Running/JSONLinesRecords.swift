import PipeCore

/// The records of a JSON Lines file as an asynchronous sequence, read as they are pulled (so a
/// slow pipeline reads the file slowly) with memory bounded by the longest line.
///
/// Reads block the pulling task briefly (a regular file from the page cache); the descriptor is
/// the caller's to close after the run.
public struct JSONLinesRecords: AsyncSequence, Sendable {
    public typealias Element = JSONValue

    let fileDescriptor: Int32

    /// Records from an open file descriptor (a file, or standard input).
    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// Pulls one line at a time from a `JSONLinesReader`.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var reader: JSONLinesReader

        /// The next record, `nil` at the end of the file.
        /// - Throws: `invalid_json` naming the line of a record that does not parse.
        public mutating func next() async throws -> JSONValue? {
            var record: JSONValue?
            try reader.forEachLine { (line, number) throws(PipeError) -> Bool in
                do throws(PipeError) {
                    record = try JSONValue(parsing: line)
                } catch {
                    var details = error.details
                    details["line"] = String(number)
                    throw PipeError(error.code, "line \(number): \(error.message)", details: details)
                }
                return false  // one record per call
            }
            return record
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(reader: JSONLinesReader(fileDescriptor: fileDescriptor))
    }
}

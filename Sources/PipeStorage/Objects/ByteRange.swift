import PipeCore

/// A byte range of an object to read, as an HTTP `Range` header gives it.
///
/// ```swift
/// ByteRange.bytes(0, 99)      // the first 100 bytes
/// ByteRange.from(1_000)       // from byte 1000 to the end
/// ByteRange.suffix(500)       // the last 500 bytes
/// ```
public enum ByteRange: Sendable, Hashable {
    /// From `first` to `last`, inclusive (`last` past the end means "to the end").
    case bytes(Int64, Int64)
    /// From `first` to the end.
    case from(Int64)
    /// The last `count` bytes.
    case suffix(Int64)

    /// The offsets this range selects in an object of `size` bytes.
    ///
    /// - Throws: `range_not_satisfiable` when the range starts past the end or is empty or inverted.
    public func resolve(size: Int64) throws(PipeError) -> Range<Int64> {
        let range: Range<Int64>?
        switch self {
        case .bytes(let first, let last):
            range = first >= 0 && last >= first && first < size ? first..<(min(last, size - 1) + 1) : nil
        case .from(let first):
            range = first >= 0 && first < size ? first..<size : nil
        case .suffix(let count):
            range = count > 0 && size > 0 ? max(0, size - count)..<size : nil
        }
        guard let range else {
            throw PipeError(
                .rangeNotSatisfiable, "the range \(self) lies outside the object's \(size) bytes",
                details: ["size": "\(size)"])
        }
        return range
    }

    /// Parses an HTTP `Range` header value with one range (`bytes=0-99`, `bytes=100-`, `bytes=-500`).
    ///
    /// - Throws: `invalid_argument` for anything else (several ranges are not supported).
    public init(header: String) throws(PipeError) {
        let invalid = PipeError(.invalidArgument, "unsupported Range header (one range, bytes=first-last)")
        guard header.hasPrefix("bytes="), header.utf8.count <= 64 else { throw invalid }
        let spec = header.dropFirst(6)
        let halves = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard halves.count == 2, !spec.contains(",") else { throw invalid }
        switch (Int64(halves[0]), Int64(halves[1])) {
        case (let first?, let last?) where halves[0].allSatisfy(\.isNumber) && halves[1].allSatisfy(\.isNumber):
            self = .bytes(first, last)
        case (let first?, nil) where halves[1].isEmpty && halves[0].allSatisfy(\.isNumber):
            self = .from(first)
        case (nil, let count?) where halves[0].isEmpty && halves[1].allSatisfy(\.isNumber):
            self = .suffix(count)
        default:
            throw invalid
        }
    }
}

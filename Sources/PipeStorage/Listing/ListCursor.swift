#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import PipeCore

/// Where a listing resumes: the first key byte string the next page may hold, bound to the listing's bucket,
/// prefix and delimiter so that a cursor from one listing cannot be replayed against another.
///
/// Encoded as base64url of `1\n<bucket>\n<prefix>\n<delimiter>\n<hex of position>`.
struct ListCursor: Equatable {
    var bucket: BucketName
    var prefix: String
    var delimiter: String
    var position: [UInt8]

    func encoded() -> String {
        Base64URL.encode(Array("1\n\(bucket.rawValue)\n\(prefix)\n\(delimiter)\n\(Hex.encode(position))".utf8))
    }

    /// Decodes `text` and checks it belongs to this listing.
    init(decoding text: String, bucket: BucketName, prefix: String, delimiter: String) throws(PipeError) {
        let invalid = PipeError(.invalidArgument, "the cursor is not one this listing made")
        guard let bytes = Base64URL.decode(text), let decoded = String(validating: bytes, as: UTF8.self) else {
            throw invalid
        }
        let fields = decoded.split(separator: "\n", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0] == "1", fields[1] == bucket.rawValue, fields[2] == prefix,
            fields[3] == delimiter, fields[4].utf8.count <= 4096, let position = Hex.decode(fields[4])
        else { throw invalid }
        guard position.starts(with: prefix.utf8) || position.lexicographicallyPrecedes(prefix.utf8) == false else {
            throw invalid
        }
        self.init(bucket: bucket, prefix: prefix, delimiter: delimiter, position: position)
    }

    init(bucket: BucketName, prefix: String, delimiter: String, position: [UInt8]) {
        self.bucket = bucket
        self.prefix = prefix
        self.delimiter = delimiter
        self.position = position
    }
}

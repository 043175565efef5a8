import Crypto
import PipeCore

/// Reads a range of an object's plaintext from its blob, decrypting segment by segment when it is encrypted.
///
/// Every read is checked: a plaintext blob shorter than its record says, or an encrypted segment whose tag fails,
/// is ``PipeError/Code/dataCorrupted`` rather than silently short or wrong data.
struct PlaintextReader: Sendable {
    let blob: any BlobReader
    /// The object's plaintext size.
    let size: Int64
    let key: SymmetricKey?
    private(set) var position: Int64
    let end: Int64
    let chunkSize: Int

    init(blob: any BlobReader, size: Int64, key: SymmetricKey?, range: Range<Int64>, chunkSize: Int) {
        self.blob = blob
        self.size = size
        self.key = key
        self.position = range.lowerBound
        self.end = range.upperBound
        self.chunkSize = max(chunkSize, SegmentCipher.plainSegment)
    }

    mutating func next() async throws(PipeError) -> [UInt8]? {
        guard position < end else { return nil }
        let bytes = key == nil ? try await nextPlain() : try await nextDecrypted()
        position += Int64(bytes.count)
        return bytes
    }

    private func nextPlain() async throws(PipeError) -> [UInt8] {
        let count = Int(min(Int64(chunkSize), end - position))
        let bytes = try await blob.read(at: position, count: count)
        guard bytes.count == count else {
            throw PipeError(.dataCorrupted, "a stored object is shorter than its record says")
        }
        return bytes
    }

    private func nextDecrypted() async throws(PipeError) -> [UInt8] {
        guard let key else { return [] }
        let segment = Int64(SegmentCipher.plainSegment)
        let sealed = Int64(SegmentCipher.sealedSegment)
        let total = SegmentCipher.segmentCount(plainSize: size)
        let first = position / segment
        let last = min(total - 1, (min(end, position + Int64(chunkSize)) - 1) / segment)
        let storedEnd = min(SegmentCipher.sealedSize(plainSize: size), (last + 1) * sealed)
        let stored = try await blob.read(at: first * sealed, count: Int(storedEnd - first * sealed))
        var out: [UInt8] = []
        out.reserveCapacity(Int(last - first + 1) * SegmentCipher.plainSegment)
        var offset = 0
        for index in first...last {
            let length = min(stored.count - offset, SegmentCipher.sealedSegment)
            let final = index == total - 1
            let plain = try SegmentCipher.open(stored[offset..<(offset + max(0, length))], index: index, final: final, key: key)
            let expected = final ? size - index * segment : segment
            guard Int64(plain.count) == expected else {
                throw PipeError(.dataCorrupted, "encrypted segment \(index) has the wrong length")
            }
            out.append(contentsOf: plain)
            offset += length
        }
        // Trim to [position, end): the first segment may start before the range, the last may run past it.
        let skip = Int(position - first * segment)
        let keep = Int(min(end - position, Int64(out.count - skip)))
        if skip == 0 && keep == out.count { return out }
        return Array(out[skip..<(skip + keep)])
    }
}

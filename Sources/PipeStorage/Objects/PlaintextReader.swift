import Crypto
import PipeCore

/// Reads a range of an object's plaintext from its blob, decrypting segment by segment when it is encrypted.
///
/// The stored bytes of the next chunk are read while the current one is being decrypted and handed on, so reading
/// overlaps with everything downstream. Every read is checked: a plaintext blob shorter than its record says, or an
/// encrypted segment whose tag fails, is `data_corrupted` rather than silently short or wrong data.
struct PlaintextReader: Sendable {
    let blob: any BlobReader
    /// The object's plaintext size.
    let size: Int64
    let key: SymmetricKey?
    private(set) var position: Int64
    let end: Int64
    let chunkSize: Int
    /// The stored bytes of the chunk at `position`, being read.
    private var ahead: Task<Result<Stored, PipeError>, Never>?

    /// Stored bytes covering plaintext from `first` (a segment index when encrypted).
    struct Stored: Sendable {
        var bytes: [UInt8]
        var firstSegment: Int64
        var lastSegment: Int64
    }

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
        // The first chunk is read here, without a task: a small object is one chunk, and a task's hand-off to another
        // thread and back costs more than reading it.
        let stored: Stored
        if let current = ahead {
            ahead = nil
            stored = try await current.value.get()
        } else {
            stored = try await read(at: position)
        }
        let bytes = key == nil ? try plain(stored) : try decrypted(stored)
        position += Int64(bytes.count)
        if position < end { ahead = fetch(at: position) }
        return bytes
    }

    /// Starts reading the stored bytes of the chunk that starts at `offset`, in a task (reading ahead).
    private func fetch(at offset: Int64) -> Task<Result<Stored, PipeError>, Never> {
        let reader = self
        return Task {
            do throws(PipeError) {
                return .success(try await reader.read(at: offset))
            } catch {
                return .failure(error)
            }
        }
    }

    /// Reads the stored bytes of the chunk that starts at `offset`.
    private func read(at offset: Int64) async throws(PipeError) -> Stored {
        let chunk = Int64(chunkSize)
        guard key != nil else {
            let count = Int(min(chunk, end - offset))
            return Stored(bytes: try await blob.read(at: offset, count: count), firstSegment: 0, lastSegment: 0)
        }
        let segment = Int64(SegmentCipher.plainSegment)
        let sealed = Int64(SegmentCipher.sealedSegment)
        let total = SegmentCipher.segmentCount(plainSize: size)
        let first = offset / segment
        let last = min(total - 1, (min(end, offset + chunk) - 1) / segment)
        let storedEnd = min(SegmentCipher.sealedSize(plainSize: size), (last + 1) * sealed)
        let bytes = try await blob.read(at: first * sealed, count: Int(storedEnd - first * sealed))
        return Stored(bytes: bytes, firstSegment: first, lastSegment: last)
    }

    private func plain(_ stored: Stored) throws(PipeError) -> [UInt8] {
        guard stored.bytes.count == Int(min(Int64(chunkSize), end - position)) else {
            throw PipeError(.dataCorrupted, "a stored object is shorter than its record says")
        }
        return stored.bytes
    }

    private func decrypted(_ stored: Stored) throws(PipeError) -> [UInt8] {
        guard let key else { return [] }
        let segment = Int64(SegmentCipher.plainSegment)
        let total = SegmentCipher.segmentCount(plainSize: size)
        let (first, last) = (stored.firstSegment, stored.lastSegment)
        var out: [UInt8] = []
        out.reserveCapacity(Int(last - first + 1) * SegmentCipher.plainSegment)
        var offset = 0
        for index in first...last {
            let length = min(stored.bytes.count - offset, SegmentCipher.sealedSegment)
            let final = index == total - 1
            let plain = try SegmentCipher.open(
                stored.bytes[offset..<(offset + max(0, length))], index: index, final: final, key: key)
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

    /// Waits for a read still ahead (before the blob is closed).
    mutating func settle() async {
        if let ahead { _ = await ahead.value }
        ahead = nil
    }
}

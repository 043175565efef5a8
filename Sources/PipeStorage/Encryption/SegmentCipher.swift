import Crypto
import PipeCore

/// The on-disk form of encrypted object bytes: AES-256-GCM over fixed 64 KiB segments.
///
/// Each segment is sealed on its own with the object's data key, a nonce made from the segment's index, and
/// associated data naming the index and whether it is the last segment. So a range read decrypts only the segments
/// it touches, and any change to the stored bytes (a flipped bit, swapped or dropped segments, a truncated file) fails
/// a tag check. Counter nonces are safe because every blob has its own random data key.
enum SegmentCipher {
    static let plainSegment = 64 * 1024
    static let tagSize = 16
    static let sealedSegment = plainSegment + tagSize

    /// How many segments hold `plainSize` bytes (an empty object still has one, empty, final segment).
    static func segmentCount(plainSize: Int64) -> Int64 {
        max(1, (plainSize + Int64(plainSegment) - 1) / Int64(plainSegment))
    }

    static func sealedSize(plainSize: Int64) -> Int64 {
        plainSize + Int64(tagSize) * segmentCount(plainSize: plainSize)
    }

    static func nonce(_ index: Int64) -> AES.GCM.Nonce {
        var bytes = [UInt8](repeating: 0, count: 12)
        var value = UInt64(index)
        for position in stride(from: 11, through: 4, by: -1) {
            bytes[position] = UInt8(value & 0xFF)
            value >>= 8
        }
        return try! AES.GCM.Nonce(data: bytes)  // 12 bytes is always a valid GCM nonce
    }

    static func associatedData(_ index: Int64, final: Bool) -> [UInt8] {
        var bytes = Array("pipe-segment-v1".utf8)
        var value = UInt64(index)
        for _ in 0..<8 {
            bytes.append(UInt8(value >> 56))
            value <<= 8
        }
        bytes.append(final ? 1 : 0)
        return bytes
    }

    static func seal(_ plain: ArraySlice<UInt8>, index: Int64, final: Bool, key: SymmetricKey, into out: inout [UInt8])
        throws(PipeError)
    {
        do {
            let box = try AES.GCM.seal(
                plain, using: key, nonce: nonce(index), authenticating: associatedData(index, final: final))
            out.append(contentsOf: box.ciphertext)
            out.append(contentsOf: box.tag)
        } catch {
            throw PipeError(.internalError, "AES-GCM seal failed: \(error)")
        }
    }

    static func open(_ sealed: ArraySlice<UInt8>, index: Int64, final: Bool, key: SymmetricKey) throws(PipeError)
        -> [UInt8]
    {
        guard sealed.count >= tagSize else {
            throw PipeError(.dataCorrupted, "encrypted segment \(index) is truncated")
        }
        do {
            let box = try AES.GCM.SealedBox(
                nonce: nonce(index), ciphertext: sealed.dropLast(tagSize), tag: sealed.suffix(tagSize))
            return [UInt8](try AES.GCM.open(box, using: key, authenticating: associatedData(index, final: final)))
        } catch {
            throw PipeError(.dataCorrupted, "encrypted segment \(index) failed its integrity check")
        }
    }
}

/// Encrypts a stream of plaintext chunks into sealed segments.
///
/// A segment is sealed only once more bytes follow it (or at ``finish()``), because the last segment is marked final.
struct SegmentSealer {
    let key: SymmetricKey
    private var index: Int64 = 0
    private var pending: [UInt8] = []

    init(key: SymmetricKey) {
        self.key = key
        pending.reserveCapacity(SegmentCipher.plainSegment * 2)
    }

    /// Takes plaintext, returns the sealed segments now complete.
    mutating func seal(_ bytes: [UInt8]) throws(PipeError) -> [UInt8] {
        pending.append(contentsOf: bytes)
        let segment = SegmentCipher.plainSegment
        guard pending.count > segment else { return [] }
        let ready = (pending.count - 1) / segment
        var out: [UInt8] = []
        out.reserveCapacity(ready * SegmentCipher.sealedSegment)
        for n in 0..<ready {
            try SegmentCipher.seal(
                pending[(n * segment)..<((n + 1) * segment)], index: index, final: false, key: key, into: &out)
            index += 1
        }
        pending.removeFirst(ready * segment)
        return out
    }

    /// Seals the last segment.
    mutating func finish() throws(PipeError) -> [UInt8] {
        var out: [UInt8] = []
        try SegmentCipher.seal(pending[...], index: index, final: true, key: key, into: &out)
        pending.removeAll()
        return out
    }
}

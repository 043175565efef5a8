#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the bytes of a write come from, handed over in chunks so that no object has to fit in memory.
protocol ChunkSource {
    /// The next chunk, or `nil` at the end.
    mutating func nextChunk() async throws(PipeError) -> [UInt8]?
    /// The total size when known in advance (lets limits fail before anything is written).
    var knownSize: Int64? { get }
}

/// Bytes already in memory.
struct BytesSource: ChunkSource {
    let bytes: [UInt8]
    let chunkSize: Int
    private var offset = 0

    init(_ bytes: [UInt8], chunkSize: Int) {
        self.bytes = bytes
        self.chunkSize = chunkSize
    }

    var knownSize: Int64? { Int64(bytes.count) }

    mutating func nextChunk() async throws(PipeError) -> [UInt8]? {
        // One empty chunk is fine for an empty object; the writer treats `nil` as the end.
        guard offset < bytes.count else { return nil }
        let end = min(offset + chunkSize, bytes.count)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// A local file, read with `pread` off the cooperative pool, one chunk ahead: the next chunk is being read while
/// the caller hashes and writes the current one.
final class FileSource: ChunkSource {
    let path: String
    let chunkSize: Int
    let size: Int64
    let descriptor: Int32
    private var offset: Int64 = 0
    private var ahead: Task<Result<[UInt8], PipeError>, Never>?

    init(path: String, chunkSize: Int) throws(PipeError) {
        self.path = path
        self.chunkSize = chunkSize
        let descriptor = try POSIX.open(path, O_RDONLY)
        do throws(PipeError) {
            size = try POSIX.size(descriptor, path: path)
        } catch {
            POSIX.close(descriptor)
            throw error
        }
        self.descriptor = descriptor
    }

    deinit {
        // A read still in flight holds the descriptor; the source is only dropped after its last chunk or a
        // failure, and in both cases no read is ahead (see nextChunk), so closing here is safe.
        POSIX.close(descriptor)
    }

    var knownSize: Int64? { size }

    private func read(at offset: Int64) -> Task<Result<[UInt8], PipeError>, Never> {
        let (descriptor, count, path) = (self.descriptor, chunkSize, self.path)
        return Task {
            do throws(PipeError) {
                return .success(
                    try await BlockingIO.run { () throws(PipeError) in
                        try POSIX.read(descriptor, at: offset, count: count, path: path)
                    })
            } catch {
                return .failure(error)
            }
        }
    }

    func nextChunk() async throws(PipeError) -> [UInt8]? {
        let current = ahead ?? read(at: offset)
        ahead = nil
        let chunk = try await current.value.get()
        guard !chunk.isEmpty else { return nil }
        offset += Int64(chunk.count)
        if chunk.count == chunkSize { ahead = read(at: offset) }  // a short read was the end of the file
        return chunk
    }

    /// Waits for a read still ahead, so the descriptor outlives it; called when the writer stops early.
    func settle() async {
        if let ahead { _ = await ahead.value }
        ahead = nil
    }
}

/// Any `AsyncSequence` of byte chunks, regrouped into chunks of at least `chunkSize` (network reads arrive in
/// kilobytes; writing each on its own would cost a system call and a thread hop per few kilobytes).
struct SequenceSource<Chunks: AsyncSequence>: ChunkSource where Chunks.Element == [UInt8] {
    private var iterator: Chunks.AsyncIterator
    private var finished = false
    let chunkSize: Int

    init(_ chunks: Chunks, chunkSize: Int) {
        iterator = chunks.makeAsyncIterator()
        self.chunkSize = chunkSize
    }

    var knownSize: Int64? { nil }

    mutating func nextChunk() async throws(PipeError) -> [UInt8]? {
        guard !finished else { return nil }
        var buffer: [UInt8] = []
        do {
            while buffer.count < chunkSize {
                guard let chunk = try await iterator.next() else {
                    finished = true
                    break
                }
                if buffer.isEmpty && chunk.count >= chunkSize { return chunk }
                buffer.append(contentsOf: chunk)
            }
        } catch let error as PipeError {
            throw error
        } catch is CancellationError {
            throw PipeError(.cancelled, "the upload was cancelled")
        } catch {
            throw PipeError(.invalidArgument, "the upload's byte stream failed: \(error)")
        }
        return buffer.isEmpty && finished ? nil : buffer
    }
}

/// The plaintext of a stored object, as a source for copies across encryption settings and for completing uploads.
struct PlaintextSource: ChunkSource {
    var reader: PlaintextReader
    var knownSize: Int64? { reader.end - reader.position }

    mutating func nextChunk() async throws(PipeError) -> [UInt8]? {
        try await reader.next()
    }
}

import Foundation
import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A request body: bytes in memory, a file, or any asynchronous sequence of byte chunks.
///
/// ```swift
/// let upload = HTTPRequestBody.file(at: "/var/backups/db.tar")
/// let generated = HTTPRequestBody.stream(chunks, length: nil)   // sent chunked
/// ```
public struct HTTPRequestBody: Sendable {
    enum Storage: Sendable {
        case bytes([UInt8])
        case file(String)
        case stream(length: Int64?, produce: @Sendable (RequestBodySource) async throws -> Void)
    }

    let storage: Storage

    /// Bytes already in memory.
    public static func bytes(_ bytes: [UInt8]) -> HTTPRequestBody { HTTPRequestBody(storage: .bytes(bytes)) }

    /// The contents of a file, read as the upload goes (never all in memory).
    public static func file(at path: String) -> HTTPRequestBody { HTTPRequestBody(storage: .file(path)) }

    /// Chunks from an asynchronous sequence, pulled only as fast as the upload goes.
    ///
    /// - Parameters:
    ///   - chunks: the body's bytes, in order; iterated once, as the upload goes.
    ///   - length: the total size if known (sent as `Content-Length`); `nil` sends the body
    ///     chunked (HTTP/1.1) or as a stream of frames (HTTP/2).
    public static func stream<Chunks: AsyncSequence & Sendable>(_ chunks: Chunks, length: Int64?) -> HTTPRequestBody
    where Chunks.Element == [UInt8] {
        HTTPRequestBody(
            storage: .stream(length: length) { source in
                var sent: Int64 = 0
                for try await chunk in chunks {
                    sent += Int64(chunk.count)
                    if let length, sent > length {
                        throw PipeError(
                            .invalidArgument, "the body stream is longer than its declared length \(length)")
                    }
                    switch await source.push(chunk) {
                    case .accepted: continue
                    case .acceptedResume: source.onResume?()
                    case .stop: return  // the transfer ended (answered, failed or cancelled)
                    }
                }
                if let length, sent != length {
                    throw PipeError(.invalidArgument, "the body stream ended after \(sent) of \(length) bytes")
                }
            })
    }

    /// Whether the body can be sent a second time (for a `307`/`308` redirect).
    var isReplayable: Bool {
        if case .stream = storage { return false }
        return true
    }

    /// Opens the body for one transfer: its source and its length, if known.
    func open(streamBuffer: Int) throws(PipeError) -> (RequestBodySource, Int64?) {
        switch storage {
        case .bytes(let bytes):
            return (RequestBodySource(bytes: bytes), Int64(bytes.count))
        case .file(let path):
            let fd = systemOpen(path)
            guard fd >= 0 else { throw PipeError(.notFound, "cannot open the request body file \(path)") }
            var info = stat()
            guard fstat(fd, &info) == 0 else {
                close(fd)
                throw PipeError(.unavailable, "cannot stat the request body file \(path)")
            }
            // Only a regular file has a size and never blocks the event-loop thread when read;
            // stream anything else (a pipe, a device) with `.stream`.
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                close(fd)
                throw PipeError(.invalidArgument, "the request body file \(path) is not a regular file")
            }
            return (RequestBodySource(fileDescriptor: fd), Int64(info.st_size))
        case .stream(let length, _):
            return (RequestBodySource(streamHighWater: streamBuffer), length)
        }
    }
}

/// The C library's `open`, named apart from the `open(streamBuffer:)` method above.
@inline(__always)
private func systemOpen(_ path: String) -> Int32 {
    open(path, O_RDONLY | O_CLOEXEC)
}

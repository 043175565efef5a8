import Crypto
import Foundation
import PipeCore
import PipeHTTP
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension RemoteTransport {
    /// Sends `call` (a `GET`) and writes a 2xx answer's body into `file`, atomically: the bytes go to a temporary
    /// file beside it, which replaces `file` only once whole. A failed download leaves `file` as it was.
    ///
    /// A transfer cut part way is retried like any failed `GET` (see ``RetryPolicy``), but from where it stopped: the
    /// retry asks for the rest with `Range`. The bytes of one file could then come from two versions of the object,
    /// so after a resumed download the file's SHA-256 must equal the object's ETag (the SHA-256 of its bytes), or the
    /// download fails with `conflict` and nothing is written.
    func download(
        _ call: Call, to file: URL, progress: (@Sendable (HTTPProgress) -> Void)?
    ) async throws(PipeError) -> HTTPResponse {
        let path = file.path
        let temporary = path + ".download-\(UInt64.random(in: 0...UInt64.max))"
        let fd = open(temporary, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PipeError(.unavailable, "cannot create \(temporary): errno \(errno)") }
        var keep = false
        defer {
            close(fd)
            if !keep { unlink(temporary) }
        }
        let resumed = Atomic<Bool>(false)
        let http = self.http
        let response = try await send(call) { request throws(PipeError) in
            try await Self.attempt(request, into: fd, resumed: resumed, http: http, progress: progress)
        }
        if resumed.load(ordering: .relaxed) {
            let digest = try await BlockingIO.run { () throws(PipeError) in try Self.sha256(of: fd) }
            guard let etag = response.headers["ETag"].map(RemoteStorage.unquoted), digest == etag else {
                throw PipeError(
                    .conflict, "the object changed while it was downloaded; download it again",
                    details: ["reason": "changed"])
            }
        }
        guard fsync(fd) == 0 else { throw PipeError(.unavailable, "cannot flush the download of \(path): errno \(errno)") }
        try FileParts.move(URL(fileURLWithPath: temporary), to: file)
        keep = true
        return response
    }

    /// One attempt: the whole body, or (when the file already holds some) the rest of it.
    private static func attempt(
        _ request: HTTPRequest, into fd: Int32, resumed: borrowing Atomic<Bool>, http: CurlHTTPClient,
        progress: (@Sendable (HTTPProgress) -> Void)?
    ) async throws(PipeError) -> HTTPResponse {
        var request = request
        let offset = size(of: fd)
        if offset > 0 {
            request.headers.replaceOrAdd(name: "Range", value: "bytes=\(offset)-")
            resumed.store(true, ordering: .relaxed)
        }
        guard lseek(fd, off_t(offset), SEEK_SET) == offset else {
            throw PipeError(.unavailable, "cannot seek in the download's temporary file: errno \(errno)")
        }
        let shifted = progress.map { report in
            { @Sendable (moved: HTTPProgress) in
                report(
                    HTTPProgress(
                        bytesSent: moved.bytesSent, totalBytesToSend: moved.totalBytesToSend,
                        bytesReceived: offset + moved.bytesReceived,
                        totalBytesToReceive: moved.totalBytesToReceive.map { offset + $0 }))
            }
        }
        let response: HTTPResponse
        do {
            response = try await http.download(request, into: fd, progress: shifted)
        } catch where error.code != .cancelled && size(of: fd) > offset {
            // Cut after some bytes arrived: worth another attempt, which goes on from here.
            throw PipeError(.unavailable, "the download was cut after \(size(of: fd)) bytes: \(error.message)")
        }
        guard offset > 0, (200..<300).contains(response.status) else { return response }
        // A resumed request must get exactly the rest. Anything else (the whole body again, another range) was
        // written after the bytes already here: drop them all and start over.
        guard response.status == 206, response.headers["Content-Range"]?.hasPrefix("bytes \(offset)-") == true else {
            _ = ftruncate(fd, 0)
            throw PipeError(.unavailable, "the server did not resume the download; starting it again")
        }
        return response
    }

    /// The file's size, found by seeking to its end (every attempt seeks to where it writes first). Not `fstat`:
    /// release builds resolve `struct stat`'s members through CoreFoundation, which this file cannot import
    /// portably (MemberImportVisibility).
    private static func size(of fd: Int32) -> Int64 {
        let end = lseek(fd, 0, SEEK_END)
        return end < 0 ? 0 : Int64(end)
    }

    /// The SHA-256 of the file behind `fd`, in hex.
    private static func sha256(of fd: Int32) throws(PipeError) -> String {
        var hash = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset: off_t = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            guard count >= 0 else { throw PipeError(.unavailable, "cannot read the download back: errno \(errno)") }
            if count == 0 { break }
            hash.update(data: buffer[0..<count])
            offset += off_t(count)
        }
        return Hex.encode(hash.finalize())
    }
}

import Foundation
import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension CurlHTTPClient {
    /// Downloads a response body into a file, atomically: the body is written to a temporary file
    /// beside `path`, which replaces `path` only once the whole body has arrived. A failed or
    /// cancelled download leaves `path` as it was.
    ///
    /// The body goes from libcurl's buffer to the file on the client's event-loop thread, with no
    /// copy and no hop to another thread, so this is the fastest way to fetch a large object.
    ///
    /// - Returns: the response head; its `body` is empty for a `2xx` status (the bytes are in the
    ///   file) and holds the error body otherwise (the file is then left untouched).
    /// - Throws: the request's `PipeError`, or `unavailable` when the file cannot be written.
    public func download(
        _ request: HTTPRequest, to path: String, progress: (@Sendable (HTTPProgress) -> Void)? = nil
    ) async throws(PipeError) -> HTTPResponse {
        let temporary = path + ".download-\(UInt64.random(in: 0...UInt64.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PipeError(.unavailable, "cannot create \(temporary): errno \(errno)") }
        var keep = false
        defer {
            close(fd)
            if !keep { unlink(temporary) }
        }
        let response = try await download(request, into: fd, progress: progress)
        guard (200..<300).contains(response.status) else { return response }
        guard fsync(fd) == 0, rename(temporary, path) == 0 else {
            throw PipeError(.unavailable, "cannot move the download into place at \(path): errno \(errno)")
        }
        keep = true
        return response
    }

    /// Downloads a response body into an open file descriptor (the caller owns and closes it).
    /// Like ``download(_:to:progress:)`` without the temporary file: for pipes, devices, or files
    /// the caller manages itself.
    public func download(
        _ request: HTTPRequest, into fileDescriptor: Int32, progress: (@Sendable (HTTPProgress) -> Void)? = nil
    ) async throws(PipeError) -> HTTPResponse {
        // The body is written on the event-loop thread: only a descriptor that never blocks a write
        // (a regular file, or a device such as /dev/null) may be used; stream into a pipe instead.
        var info = stat()
        guard fstat(fileDescriptor, &info) == 0,
            (info.st_mode & S_IFMT) == S_IFREG || (info.st_mode & S_IFMT) == S_IFCHR
        else {
            throw PipeError(.invalidArgument, "download(into:) needs a regular file or a device; use execute for pipes")
        }
        let response = try await execute(request, body: nil, progress: progress, bodyFileDescriptor: fileDescriptor)
        // For a 2xx body this only waits for the end: the bytes went to the file.
        let rest = try await response.body.collect(upTo: configuration.maxCollectedResponseBytes)
        return HTTPResponse(status: response.status, headers: response.headers, body: rest)
    }
}

import Crypto
import Foundation
import PipeCore
import PipeHTTP

/// ``ObjectTransfers`` over a deployment's storage routes: bodies stream through libcurl in both directions.
struct RemoteTransfers: ObjectTransfers {
    let transport: RemoteTransport

    func upload(
        file: URL, to bucket: BucketName, at key: ObjectKey, options: PutObjectOptions, progress: ProgressHandler?
    ) async throws(PipeError) -> ObjectInfo {
        try await put(bucket, key, options, body: .file(at: file.path), progress: progress, repeatable: true)
    }

    func upload(
        _ chunks: some AsyncSequence<[UInt8], any Error> & Sendable, length: Int64?, to bucket: BucketName,
        at key: ObjectKey, options: PutObjectOptions, progress: ProgressHandler?
    ) async throws(PipeError) -> ObjectInfo {
        // A stream can be read once: it is never sent again.
        try await put(bucket, key, options, body: .stream(chunks, length: length), progress: progress, repeatable: false)
    }

    private func put(
        _ bucket: BucketName, _ key: ObjectKey, _ options: PutObjectOptions, body: HTTPRequestBody,
        progress: ProgressHandler?, repeatable: Bool
    ) async throws(PipeError) -> ObjectInfo {
        let call = try RemoteStorage.putCall(bucket, key, options, bodyRepeatable: repeatable)
        let response = try await transport.stream(call, body: body) { sent in
            progress?(TransferProgress(bytes: sent.bytesSent, total: sent.totalBytesToSend))
        }
        return try WireFormat.objectInfo(try Self.parse(response.body))
    }

    func download(_ bucket: BucketName, _ key: ObjectKey, to file: URL, progress: ProgressHandler?)
        async throws(PipeError) -> ObjectInfo
    {
        let response = try await transport.download(.init(.get, RemoteStorage.objectPath(bucket, key)), to: file) { moved in
            progress?(TransferProgress(bytes: moved.bytesReceived, total: moved.totalBytesToReceive))
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.int64Value ?? 0
        return try RemoteStorage.info(bucket, key, response, size: size)
    }

    func stream(_ bucket: BucketName, _ key: ObjectKey) async throws(PipeError)
        -> (info: ObjectInfo, chunks: AsyncThrowingStream<[UInt8], any Error>)
    {
        let request = try await transport.request(for: .init(.get, RemoteStorage.objectPath(bucket, key)))
        let response = try await transport.http.execute(request)
        guard response.status == 200 else {
            let body = (try? await response.body.collect(upTo: 64 << 10)) ?? []
            throw WireFormat.error(status: response.status, body: body, headers: response.headers)
        }
        guard let size = response.headers["Content-Length"].flatMap({ Int64($0) }) else {
            throw WireFormat.malformed("object response")
        }
        let info = try RemoteStorage.info(bucket, key, HTTPResponse(status: 200, headers: response.headers, body: []), size: size)
        return (info, .forwarding(response.body))
    }

    func signedLink(_ method: HTTPMethod, bucket: BucketName, key: ObjectKey, expiresIn: Duration)
        async throws(PipeError) -> SignedLink
    {
        let body: JSONValue = [
            "key": .string(key.rawValue), "method": .string(method.rawValue),
            "expiresIn": .number(.int(expiresIn.components.seconds)),
        ]
        let value = try await transport.json(.init(.post, RemoteStorage.bucketPath(bucket) + "/signed-urls", json: body))
        return SignedLink(
            path: try WireFormat.string(value, "path", "signed URL"), method: method,
            expiresAt: try WireFormat.date(value, "expiresAt", "signed URL"))
    }

    func startUpload(to bucket: BucketName, at key: ObjectKey, options: PutObjectOptions) async throws(PipeError)
        -> UploadID
    {
        var members: [(String, JSONValue)] = [("key", .string(key.rawValue)), ("upsert", .bool(options.upsert))]
        if let contentType = options.contentType { members.append(("contentType", .string(contentType))) }
        if let cacheControl = options.cacheControl { members.append(("cacheControl", .string(cacheControl))) }
        let value = try await transport.json(
            .init(.post, RemoteStorage.bucketPath(bucket) + "/uploads", json: .object(JSONObject(members))))
        return try UploadID(try WireFormat.string(value, "id", "upload session"))
    }

    func uploadParts(_ id: UploadID, file: URL, partSize: Int, progress: ProgressHandler?) async throws(PipeError)
        -> [Int]
    {
        let parts = try FileParts(file, partSize: partSize)
        let path = Self.uploadPath(id)
        let session = try await transport.json(.init(.get, path))
        guard let listed = session["parts"]?.arrayValue else { throw WireFormat.malformed("upload session") }
        var acknowledged: [Int: (size: Int64, sha256: String)] = [:]
        for part in listed {
            if let number = part["number"]?.intValue, let size = WireFormat.int64(part, "size"),
                let sha = part["sha256"]?.stringValue
            {
                acknowledged[number] = (size, sha)
            }
        }
        try parts.check(Array(acknowledged.keys))
        var sent: [Int] = []
        var moved: Int64 = 0
        for number in 1...parts.count {
            let bytes = try parts.read(number)
            let known = acknowledged[number]
            if known?.size != Int64(bytes.count) || known?.sha256 != EmbeddedTransfers.sha256(bytes) {
                // Sending a part again replaces it, so a part is safe to repeat after a dropped connection.
                var call = RemoteTransport.Call(.put, path + "/parts/\(number)")
                call.body = bytes
                call.headers.add(name: "Content-Type", value: "application/octet-stream")
                _ = try await transport.send(call)
                sent.append(number)
            }
            moved += Int64(bytes.count)
            progress?(TransferProgress(bytes: moved, total: parts.size))
        }
        return sent
    }

    func completeUpload(_ id: UploadID) async throws(PipeError) -> ObjectInfo {
        var call = RemoteTransport.Call(.post, Self.uploadPath(id) + "/complete")
        call.retryable = false
        return try WireFormat.objectInfo(try await transport.json(call))
    }

    static func uploadPath(_ id: UploadID) -> String {
        "/v1/storage/uploads/" + RemoteTransport.encode(id.rawValue)
    }

    func abortUpload(_ id: UploadID) async throws(PipeError) {
        _ = try await transport.send(.init(.delete, Self.uploadPath(id)))
    }

    static func parse(_ body: [UInt8]) throws(PipeError) -> JSONValue {
        do {
            return try JSONValue(parsing: body)
        } catch {
            throw PipeError(.protocolError, "the server's answer is not JSON")
        }
    }
}

// remote-upload URL FILE BUCKET KEY
//
// Uploads FILE to a deployment (`pipe serve`) as BUCKET/KEY, streamed, printing progress; creates the bucket when it
// is missing. The API key comes from PIPE_API_KEY. Prints the stored object's size and ETag.
import Foundation
import PipeClient
import PipeCore

let arguments = CommandLine.arguments
guard arguments.count == 5, let url = URL(string: arguments[1]),
    let key = ProcessInfo.processInfo.environment["PIPE_API_KEY"]
else {
    FileHandle.standardError.write(Data("usage: PIPE_API_KEY=… remote-upload URL FILE BUCKET KEY\n".utf8))
    exit(2)
}

do {
    let pipe = try await PipeClient.remote(url, credentials: .apiKey(key))
    let bucket = try BucketName(arguments[3])
    do {
        _ = try await pipe.storage.getBucket(bucket)
    } catch where error.code == .bucketNotFound {
        _ = try await pipe.storage.createBucket(bucket, options: BucketOptions())
    }
    let info = try await pipe.transfers.upload(
        file: URL(fileURLWithPath: arguments[2]), to: bucket, at: try ObjectKey(arguments[4]),
        options: PutObjectOptions(upsert: true),
        progress: { progress in
            let total = progress.total.map { " of \($0)" } ?? ""
            FileHandle.standardError.write(Data("sent \(progress.bytes)\(total) bytes\n".utf8))
        })
    print("stored \(info.key): \(info.size) bytes, etag \(info.etag)")
    await pipe.shutdown()
} catch {
    FileHandle.standardError.write(Data("remote-upload: \(error)\n".utf8))
    exit(1)
}

import ArgumentParser
import Foundation
import PipeCore
import PipeStorage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `pipe storage …`: the embedded store on this machine, as its local administrator.
struct StorageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage",
        abstract: "Manage buckets and objects in an embedded store on this machine.",
        discussion: """
            These commands open the store directly (no server) and act as its local administrator. \
            Records print as JSON, one per line.
            """,
        subcommands: [
            CreateBucketCommand.self, BucketsCommand.self, PutCommand.self, GetCommand.self, ListCommand.self,
            RemoveCommand.self, SignCommand.self, SweepCommand.self,
        ]
    )
}

/// Where the store lives.
struct StorageOptions: ParsableArguments {
    @Option(name: .long, help: "The store's directory (created if missing).")
    var directory: String = ".pipe/storage"

    func open() async throws(PipeError) -> StorageService {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try await StorageService.embedded(directory: directory)
    }
}

/// Runs `body`, printing a failure as `pipe: code: message` with exit status 1.
func storageCommand(_ body: () async throws(PipeError) -> Void) async {
    do throws(PipeError) {
        try await body()
    } catch {
        CommandOutput.fail(error, exitCode: 1)
    }
}

func printJSON(_ value: some Encodable) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    if let data = try? encoder.encode(value) { print(String(decoding: data, as: UTF8.self)) }
}

struct CreateBucketCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create-bucket", abstract: "Create a bucket.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The bucket's name (3–63 of a-z, 0-9, '.', '-').") var name: String
    @Flag(help: "Anyone may read its objects.") var `public` = false
    @Flag(help: "Encrypt its objects at rest.") var encrypted = false
    @Option(name: .customLong("file-size-limit"), help: "The largest object, in bytes.") var fileSizeLimit: Int64?

    func run() async {
        await storageCommand { () throws(PipeError) in
            let service = try await storage.open()
            let options = BucketOptions(isPublic: `public`, fileSizeLimit: fileSizeLimit, encryptedAtRest: encrypted)
            printJSON(
                try await service.createBucket(
                    try BucketName(name), options: options, as: StorageService.localAdministrator))
        }
    }
}

struct BucketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "buckets", abstract: "List buckets.")
    @OptionGroup var storage: StorageOptions

    func run() async {
        await storageCommand { () throws(PipeError) in
            for bucket in try await storage.open().listBuckets(as: StorageService.localAdministrator) {
                printJSON(bucket)
            }
        }
    }
}

struct PutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put", abstract: "Store a file (or standard input, '-') as an object.")
    @OptionGroup var storage: StorageOptions
    @Argument var bucket: String
    @Argument var key: String
    @Argument(help: "The file to upload, or '-' for standard input.") var file: String = "-"
    @Option(name: .customLong("content-type"), help: "Media type (default: from the key's extension).")
    var contentType: String?
    @Flag(help: "Replace an existing object.") var upsert = false

    func run() async {
        await storageCommand { () throws(PipeError) in
            let service = try await storage.open()
            let options = PutObjectOptions(contentType: contentType, upsert: upsert)
            let (bucket, key) = (try BucketName(bucket), try ObjectKey(key))
            let admin = StorageService.localAdministrator
            let info =
                file == "-"
                ? try await service.putObject(
                    streaming: StandardInputChunks(), in: bucket, at: key, options: options, as: admin)
                : try await service.putObject(
                    fileAt: URL(fileURLWithPath: file), in: bucket, at: key, options: options, as: admin)
            printJSON(info)
        }
    }
}

struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Write an object to a file, or to standard output.")
    @OptionGroup var storage: StorageOptions
    @Argument var bucket: String
    @Argument var key: String
    @Option(name: .shortAndLong, help: "The file to write (atomically); standard output when absent.")
    var output: String?

    func run() async {
        await storageCommand { () throws(PipeError) in
            let service = try await storage.open()
            let (bucket, key) = (try BucketName(bucket), try ObjectKey(key))
            if let output {
                printJSON(
                    try await service.downloadObject(
                        in: bucket, at: key, to: URL(fileURLWithPath: output), as: StorageService.localAdministrator))
                return
            }
            let download = try await service.openObject(in: bucket, at: key, as: StorageService.localAdministrator)
            for try await chunk in download.chunks { FileHandle.standardOutput.write(Data(chunk)) }
        }
    }
}

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List objects.")
    @OptionGroup var storage: StorageOptions
    @Argument var bucket: String
    @Option(help: "Only keys starting with this.") var prefix = ""
    @Option(help: "Roll keys up into folders at this separator (e.g. '/').") var delimiter: String?

    func run() async {
        await storageCommand { () throws(PipeError) in
            let service = try await storage.open()
            let bucket = try BucketName(bucket)
            var cursor: String? = nil
            repeat {
                let page = try await service.listObjects(
                    in: bucket, prefix: prefix, delimiter: delimiter, cursor: cursor,
                    as: StorageService.localAdministrator)
                for folder in page.commonPrefixes { printJSON(["prefix": folder]) }
                for object in page.objects { printJSON(object) }
                cursor = page.nextCursor
            } while cursor != nil
        }
    }
}

struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete an object.")
    @OptionGroup var storage: StorageOptions
    @Argument var bucket: String
    @Argument var key: String

    func run() async {
        await storageCommand { () throws(PipeError) in
            try await storage.open().deleteObject(
                in: try BucketName(bucket), at: try ObjectKey(key), as: StorageService.localAdministrator)
        }
    }
}

struct SignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign", abstract: "Print a signed URL for an object.")
    @OptionGroup var storage: StorageOptions
    @Argument var bucket: String
    @Argument var key: String
    @Option(help: "GET or PUT.") var method = "GET"
    @Option(help: "Seconds until the URL expires.") var expires = 600
    @Option(help: "The deployment's base URL.") var base = "http://127.0.0.1:8080"

    func run() async {
        await storageCommand { () throws(PipeError) in
            guard let method = HTTPMethod(method.uppercased()) else {
                throw PipeError(.invalidArgument, "--method is GET or PUT")
            }
            let url = try await storage.open().signURL(
                method, in: try BucketName(bucket), at: try ObjectKey(key), expiresIn: .seconds(expires),
                as: StorageService.localAdministrator)
            print(url.url(base: base))
        }
    }
}

struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep", abstract: "Remove expired uploads and orphaned blobs.")
    @OptionGroup var storage: StorageOptions

    func run() async {
        await storageCommand { () throws(PipeError) in
            let report = try await storage.open().sweep()
            printJSON(["expiredUploads": report.expiredUploads, "orphanedBlobs": report.orphanedBlobs])
        }
    }
}

/// Standard input as chunks, read with `read(2)` (a pipe cannot be read with positional reads).
struct StandardInputChunks: AsyncSequence, AsyncIteratorProtocol {
    typealias Element = [UInt8]

    mutating func next() async throws -> [UInt8]? {
        let chunk = [UInt8](unsafeUninitializedCapacity: 1 << 20) { buffer, count in
            var got = 0
            repeat { got = read(0, buffer.baseAddress, buffer.count) } while got < 0 && errno == EINTR
            count = Swift.max(got, 0)
        }
        return chunk.isEmpty ? nil : chunk
    }

    func makeAsyncIterator() -> StandardInputChunks { self }
}

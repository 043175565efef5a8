import ArgumentParser
import Foundation
import PipeClient
import PipeCore

/// `pipe objects …`: objects on a deployment, streamed (with a progress bar on a terminal).
struct ObjectsClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "objects", abstract: "Put, get, list, remove and sign objects on a deployment.",
        subcommands: [Put.self, Get.self, List.self, Remove.self, Sign.self])

    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "put", abstract: "Upload a file (streamed).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The bucket.") var bucket: String
        @Argument(help: "The object's key.") var key: String
        @Argument(help: "The file to upload.") var file: String
        @Option(name: .customLong("content-type"), help: "Its Content-Type (default: from the key's extension).")
        var contentType: String?
        @Flag(help: "Replace an existing object.") var upsert = false

        func run() async {
            await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
                let bar = ProgressBar("put \(key)")
                let info = try await pipe.transfers.upload(
                    file: URL(fileURLWithPath: file), to: try BucketName(bucket), at: try ObjectKey(key),
                    options: PutObjectOptions(contentType: contentType, upsert: upsert), progress: bar.handler)
                bar.finish()
                if client.json { printJSON(info) } else { print("Stored \(info.key): \(Table.bytes(info.size)), etag \(info.etag).") }
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get", abstract: "Download an object into a file (streamed), or to standard output.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The bucket.") var bucket: String
        @Argument(help: "The object's key.") var key: String
        @Option(name: .shortAndLong, help: "The file to write (it appears whole, or not at all).") var output: String?

        func run() async {
            await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
                let bucket = try BucketName(bucket)
                let key = try ObjectKey(key)
                guard let output else {
                    // Streamed to standard output, chunk by chunk: any size, in bounded memory.
                    let (_, chunks) = try await pipe.transfers.stream(bucket, key)
                    do {
                        for try await chunk in chunks { FileHandle.standardOutput.write(Data(chunk)) }
                    } catch {
                        throw error as? PipeError ?? PipeError(.unavailable, "the download failed: \(error)")
                    }
                    return
                }
                let bar = ProgressBar("get \(key)")
                let info = try await pipe.transfers.download(
                    bucket, key, to: URL(fileURLWithPath: output), progress: bar.handler)
                bar.finish()
                if client.json { printJSON(info) }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List objects.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The bucket.") var bucket: String
        @Option(name: .long, help: "Only keys that start with this.") var prefix: String = ""
        @Option(name: .long, help: "The most objects to list.") var limit: Int = 1000

        func run() async {
            await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
                var cursor: String? = nil
                var table = Table("KEY", "SIZE", "TYPE", "UPDATED")
                var left = limit
                repeat {
                    let page = try await pipe.storage.listObjects(
                        in: try BucketName(bucket), prefix: prefix, limit: min(left, Paging.maxLimit), cursor: cursor)
                    for info in page.items {
                        if client.json { printJSON(info) } else {
                            table.add(info.key.rawValue, Table.bytes(info.size), info.contentType, Table.date(info.updatedAt))
                        }
                    }
                    left -= page.items.count
                    cursor = page.nextCursor
                } while cursor != nil && left > 0
                if !client.json { table.print() }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete an object.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The bucket.") var bucket: String
        @Argument(help: "The object's key.") var key: String

        func run() async {
            await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
                try await pipe.storage.deleteObject(in: try BucketName(bucket), at: try ObjectKey(key))
                if !client.json { print("Deleted \(key).") }
            }
        }
    }

    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign", abstract: "Print a URL that reads (or, with --put, creates) an object until it expires.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The bucket.") var bucket: String
        @Argument(help: "The object's key.") var key: String
        @Option(name: .long, help: "Seconds until the URL expires (at most 7 days).") var expires: Int = 3600
        @Flag(help: "Sign an upload (PUT) rather than a download.") var put = false

        func run() async {
            await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
                let link = try await pipe.transfers.signedLink(
                    put ? .put : .get, bucket: try BucketName(bucket), key: try ObjectKey(key),
                    expiresIn: .seconds(expires))
                let url = link.url(base: try client.resolvedURL())?.absoluteString ?? link.path
                if client.json {
                    printJSON(["url": url, "method": link.method.rawValue, "expiresAt": Table.date(link.expiresAt)])
                } else {
                    print(url)
                }
            }
        }
    }
}

import ArgumentParser
import Foundation
import PipeClient
import PipeCore

/// `pipe buckets …`: buckets of a deployment.
struct BucketsClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "buckets", abstract: "List, create and delete buckets on a deployment.",
        subcommands: [ListBuckets.self, CreateBucket.self, DeleteBucket.self], defaultSubcommand: ListBuckets.self)

    struct ListBuckets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the buckets you can see.")
        @OptionGroup var client: ClientOptions

        func run() async {
            await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
                let buckets = try await pipe.storage.listBuckets()
                if client.json { return buckets.forEach { printJSON($0) } }
                var table = Table("NAME", "PUBLIC", "ENCRYPTED", "CREATED")
                for bucket in buckets {
                    table.add(
                        bucket.name.rawValue, bucket.isPublic ? "yes" : "no", bucket.encryptedAtRest ? "yes" : "no",
                        Table.date(bucket.createdAt))
                }
                table.print()
            }
        }
    }

    struct CreateBucket: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a bucket.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The bucket's name (3–63 of a-z, 0-9, '.', '-').") var name: String
        @Flag(help: "Anyone may read its objects.") var `public` = false
        @Flag(help: "Encrypt its objects at rest.") var encrypted = false

        func run() async {
            await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
                let bucket = try await pipe.storage.createBucket(
                    try BucketName(name), options: BucketOptions(isPublic: `public`, encryptedAtRest: encrypted))
                if client.json { printJSON(bucket) } else { print("Created \(bucket.name).") }
            }
        }
    }

    struct DeleteBucket: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete an empty bucket.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The bucket.") var name: String

        func run() async {
            await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
                try await pipe.storage.deleteBucket(try BucketName(name))
                if !client.json { print("Deleted \(name).") }
            }
        }
    }
}

import Foundation
import PipeTestSupport
import Testing

@Suite("pipe storage")
struct StorageCommandTests {
    let pipe = CommandRunner(product: "pipe")

    @Test("create a bucket, put from standard input and a file, list folders, get, sign and remove")
    func roundTrip() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-storage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = ["--directory", directory.appendingPathComponent("store").path]
        let created = try pipe.run(["storage", "create-bucket", "docs", "--encrypted"] + store)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains(#""encryptedAtRest":true"#) && created.stdout.contains(#""name":"docs""#))

        let piped = try pipe.run(["storage", "put", "docs", "notes/today.txt", "-"] + store, input: "hello from stdin\n")
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout.contains(#""contentType":"text/plain; charset=utf-8""#))
        let file = directory.appendingPathComponent("report.csv")
        try Data("a,b\n1,2\n".utf8).write(to: file)
        #expect(try pipe.run(["storage", "put", "docs", "report.csv", file.path] + store).status == 0)

        let again = try pipe.run(["storage", "put", "docs", "report.csv", file.path] + store)
        #expect(again.status == 1 && again.stderr.contains("pipe: object-exists:"))
        let bad = try pipe.run(["storage", "put", "docs", "../escape", file.path] + store)
        #expect(bad.status == 1 && bad.stderr.contains("pipe: invalid-identifier:"))

        let listing = try pipe.run(["storage", "ls", "docs", "--delimiter", "/"] + store)
        #expect(listing.stdout.split(separator: "\n").count == 2)
        #expect(listing.stdout.contains(#"{"prefix":"notes/"}"#) && listing.stdout.contains(#""key":"report.csv""#))

        let fetched = try pipe.run(["storage", "get", "docs", "notes/today.txt"] + store)
        #expect(fetched.stdout == "hello from stdin\n")
        let target = directory.appendingPathComponent("copy.csv")
        #expect(try pipe.run(["storage", "get", "docs", "report.csv", "-o", target.path] + store).status == 0)
        #expect(try String(contentsOf: target, encoding: .utf8) == "a,b\n1,2\n")

        let signed = try pipe.run(["storage", "sign", "docs", "report.csv", "--base", "https://pipe.example"] + store)
        #expect(signed.stdout.hasPrefix("https://pipe.example/v1/storage/signed/docs/report.csv?method=GET&expires="))

        #expect(try pipe.run(["storage", "rm", "docs", "report.csv"] + store).status == 0)
        let missing = try pipe.run(["storage", "get", "docs", "report.csv"] + store)
        #expect(missing.status == 1 && missing.stderr.contains("pipe: object-not-found:"))
        #expect(try pipe.run(["storage", "buckets"] + store).stdout.contains(#""name":"docs""#))
    }
}

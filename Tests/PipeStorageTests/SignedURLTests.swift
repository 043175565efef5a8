import Foundation
import PipeCore
import PipeStorage
import Testing
import PipeTestSupport

@Suite("Signed and public URLs")
struct SignedURLTests {
    let alice = StorageFixture.alice

    /// The query items of a signed URL, decoded, as the HTTP layer hands them over.
    func query(_ url: SignedURL) -> [String: String] {
        var items: [String: String] = [:]
        for pair in url.query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            items[String(parts[0])] = String(parts[1]).removingPercentEncoding
        }
        return items
    }

    @Test("a signed GET reads the object; tampering with any part of it, or expiry, is refused", arguments: StorageFixture.backends)
    func signedGet(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("private")
        let key = ObjectKey.named("reports/q3 final.pdf")
        _ = try await storage.createBucket(bucket, as: alice)
        try await storage.putObject(pattern(1000), in: bucket, at: key, as: alice)
        let url = try await storage.signURL(.get, in: bucket, at: key, expiresIn: .seconds(600), as: alice)
        #expect(url.url(base: "https://pipe.example/").hasPrefix("https://pipe.example/v1/storage/signed/private/reports/q3%20final.pdf?method=GET&expires="))
        let access = try await storage.verifySignedURL(method: .get, bucket: bucket, key: key, query: query(url))
        #expect(try await storage.openObject(signed: access).chunks.collect() == pattern(1000))
        _ = try await storage.verifySignedURL(method: .head, bucket: bucket, key: key, query: query(url))

        func refused(
            _ items: [String: String], method: HTTPMethod = .get, bucket: BucketName = bucket, key: ObjectKey = key
        ) async -> String? {
            do {
                _ = try await storage.verifySignedURL(method: method, bucket: bucket, key: key, query: items)
                return nil
            } catch {
                #expect(error.code == .signatureInvalid && error.httpStatus == 403)
                return error.details["reason"]
            }
        }
        var items = query(url)
        #expect(await refused(items, key: .named("reports/other.pdf")) == "signature")
        #expect(await refused(items, bucket: .named("other")) == "signature")
        #expect(await refused(items, method: .put) == "method")
        items["expires"] = String(Int(items["expires"]!)! + 3600)
        #expect(await refused(items) == "signature")
        items = query(url)
        items["method"] = "PUT"
        #expect(await refused(items, method: .put) == "signature")
        items = query(url)
        var signature = Array(items["signature"]!)
        signature[3] = signature[3] == "A" ? "B" : "A"
        items["signature"] = String(signature)
        #expect(await refused(items) == "signature")
        items = query(url)
        items["signature"] = nil
        #expect(await refused(items) == "signature")
        fixture.clock.advance(by: 601)
        #expect(await refused(query(url)) == "expired")
    }

    @Test("a signed PUT uploads once with the signed content type and no other", arguments: StorageFixture.backends)
    func signedPut(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("inbox")
        let key = ObjectKey.named("upload.png")
        _ = try await storage.createBucket(bucket, as: alice)
        let url = try await storage.signURL(.put, in: bucket, at: key, expiresIn: .seconds(60), contentType: "image/png", as: alice)
        await #expect(throws: PipeError.self) {
            _ = try await storage.verifySignedURL(method: .put, bucket: bucket, key: key, query: query(url), contentType: "text/html")
        }
        let access = try await storage.verifySignedURL(method: .put, bucket: bucket, key: key, query: query(url), contentType: "image/png")
        let body = AsyncStream<[UInt8]> { $0.yield([1, 2, 3]); $0.finish() }
        let info = try await storage.putObject(streaming: body, signed: access)
        #expect(info.contentType == "image/png" && info.size == 3)
        let signedGet = try await storage.verifySignedURL(
            method: .get, bucket: bucket, key: key,
            query: query(try await storage.signURL(.get, in: bucket, at: key, expiresIn: .seconds(60), as: alice)))
        #expect(await pipeError { _ = try await storage.putObject(streaming: body, signed: signedGet) }?.code == .signatureInvalid)
    }

    @Test("a URL dies with its bucket, even when a bucket of the same name is made again", arguments: StorageFixture.backends)
    func bucketReplaced(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("photos")
        let key = ObjectKey.named("x.png")
        _ = try await storage.createBucket(bucket, as: alice)
        try await storage.putObject([1], in: bucket, at: key, as: alice)
        let put = try await storage.signURL(.put, in: bucket, at: key, expiresIn: .seconds(3600), as: alice)
        let get = try await storage.signURL(.get, in: bucket, at: key, expiresIn: .seconds(3600), as: alice)
        let access = try await storage.verifySignedURL(method: .get, bucket: bucket, key: key, query: query(get))
        try await storage.deleteBucket(bucket, force: true, as: alice)
        fixture.clock.advance(by: 1)
        _ = try await storage.createBucket(bucket, as: StorageFixture.bob)
        try await storage.putObject([2], in: bucket, at: key, as: StorageFixture.bob)
        for url in [put, get] {
            let error = await pipeError {
                _ = try await storage.verifySignedURL(method: url.method, bucket: bucket, key: key, query: query(url))
            }
            #expect(error?.code == .signatureInvalid)
        }
        // Checked before the bucket was replaced, used after: refused too.
        #expect(await pipeError { _ = try await storage.openObject(signed: access) }?.code == .signatureInvalid)
    }

    @Test("only principals with the right may sign; lifetimes are bounded; public URLs only for public buckets", arguments: StorageFixture.backends)
    func signingRights(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("private")
        let key = ObjectKey.named("a")
        _ = try await storage.createBucket(bucket, as: alice)
        #expect(await pipeError { _ = try await storage.signURL(.get, in: bucket, at: key, expiresIn: .seconds(60), as: StorageFixture.bob) }?.code == .bucketNotFound)
        #expect(await pipeError { _ = try await storage.signURL(.get, in: bucket, at: key, expiresIn: .seconds(8 * 86400), as: alice) }?.code == .invalidArgument)
        #expect(await pipeError { _ = try await storage.signURL(.delete, in: bucket, at: key, expiresIn: .seconds(60), as: alice) }?.code == .invalidArgument)
        #expect(await pipeError { _ = try await storage.publicURL(in: bucket, at: key, base: "http://x") }?.code == .forbidden)
        let open = BucketName.named("public")
        _ = try await storage.createBucket(open, options: BucketOptions(isPublic: true), as: alice)
        #expect(try await storage.publicURL(in: open, at: .named("a b/c"), base: "http://x/") == "http://x/v1/storage/public/public/a%20b/c")
    }
}

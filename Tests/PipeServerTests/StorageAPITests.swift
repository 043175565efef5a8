import Crypto
import Foundation
import PipeCore
import PipeHTTP
import Testing

@Suite("Storage over HTTP", .serialized)
struct StorageAPITests {
    @Test("two users and an anonymous caller: no cross-user reads, writes, lists or deletes (BOLA)")
    func accessMatrix() async throws {
        try await ServerFixture.with { server in
            let alice = try await server.user("alice@example.com")
            let bob = try await server.user("bob@example.com")
            #expect(try await server.send(.post, "/v1/storage/buckets", token: alice.token, json: ["name": "alice-files"]).status == 201)
            let put = try await server.send(.put, "/v1/storage/buckets/alice-files/objects/notes/secret.txt", token: alice.token, body: Array("top secret".utf8))
            #expect(put.status == 201)

            for (caller, expected) in [(bob.token, 404), (nil as String?, 404)] {
                let bucket = try await server.send(.get, "/v1/storage/buckets/alice-files", token: caller)
                #expect(bucket.status == expected && bucket.errorCode == "bucket_not_found")
                let object = try await server.send(.get, "/v1/storage/buckets/alice-files/objects/notes/secret.txt", token: caller)
                #expect(object.status == expected && !String(decoding: object.body, as: UTF8.self).contains("top secret"))
                let listing = try await server.send(.get, "/v1/storage/buckets/alice-files/objects", token: caller)
                #expect(listing.status == expected)
            }
            let overwrite = try await server.send(.put, "/v1/storage/buckets/alice-files/objects/notes/secret.txt?upsert=true", token: bob.token, body: Array("pwned".utf8))
            #expect(overwrite.status == 404)
            let delete = try await server.send(.delete, "/v1/storage/buckets/alice-files/objects/notes/secret.txt", token: bob.token)
            #expect(delete.status == 404)
            let deleteBucket = try await server.send(.delete, "/v1/storage/buckets/alice-files?force=true", token: bob.token)
            #expect(deleteBucket.status == 404)
            let bobsList = try await server.send(.get, "/v1/storage/buckets", token: bob.token)
            #expect(bobsList.status == 200 && bobsList.json["buckets"] == [])
            #expect(try await server.send(.get, "/v1/storage/buckets").status == 401)
            let anonymousPut = try await server.send(.put, "/v1/storage/buckets/alice-files/objects/x", body: [1])
            #expect(anonymousPut.status == 401)

            let mine = try await server.send(.get, "/v1/storage/buckets/alice-files/objects/notes/secret.txt", token: alice.token)
            #expect(mine.status == 200 && String(decoding: mine.body, as: UTF8.self) == "top secret")
            #expect(mine.headers["Cache-Control"]?.hasPrefix("private") == true)
            let admin = try await server.send(.get, "/v1/storage/buckets/alice-files/objects/notes/secret.txt", token: server.adminKey)
            #expect(admin.status == 200)
        }
    }

    @Test("public objects, validators and 304, ranges, listing, streaming a large object both ways")
    func objects() async throws {
        try await ServerFixture.with { server in
            let alice = try await server.user("alice@example.com")
            let created = try await server.send(.post, "/v1/storage/buckets", token: alice.token, json: ["name": "site", "public": true, "bogus": 1])
            #expect(created.status == 400 && created.json["error"]?["details"]?["field"] == "bogus")
            #expect(try await server.send(.post, "/v1/storage/buckets", token: alice.token, json: ["name": "site", "public": true]).status == 201)
            let page = Array("<h1>hello</h1>".utf8)
            let put = try await server.send(
                .put, "/v1/storage/buckets/site/objects/index%20page.html", token: alice.token, body: page,
                headers: ["Content-Type": "text/html", "Cache-Control": "max-age=300"])
            #expect(put.status == 201 && put.json["key"] == "index page.html")
            let etag = try #require(put.headers["ETag"])

            let anonymous = try await server.send(.get, "/v1/storage/buckets/site/objects/index%20page.html")
            #expect(anonymous.status == 200 && anonymous.body == page && anonymous.headers["Content-Type"] == "text/html")
            #expect(anonymous.headers["ETag"] == etag && anonymous.headers["Cache-Control"] == "max-age=300" && anonymous.headers["Last-Modified"] != nil)
            let notModified = try await server.send(.get, "/v1/storage/buckets/site/objects/index%20page.html", headers: ["If-None-Match": etag])
            #expect(notModified.status == 304 && notModified.body.isEmpty && notModified.headers["ETag"] == etag)
            let since = try await server.send(
                .get, "/v1/storage/buckets/site/objects/index%20page.html",
                headers: ["If-Modified-Since": try #require(anonymous.headers["Last-Modified"])])
            #expect(since.status == 304)
            let range = try await server.send(.get, "/v1/storage/buckets/site/objects/index%20page.html", headers: ["Range": "bytes=4-8"])
            #expect(range.status == 206 && range.body == Array("hello".utf8) && range.headers["Content-Range"] == "bytes 4-8/\(page.count)")
            let head = try await server.send(.head, "/v1/storage/buckets/site/objects/index%20page.html")
            #expect(head.status == 200 && head.headers["Content-Length"] == String(page.count) && head.body.isEmpty)
            let exists = try await server.send(.put, "/v1/storage/buckets/site/objects/index%20page.html", token: alice.token, body: [1])
            #expect(exists.status == 409 && exists.errorCode == "object_exists")
            let traversal = try await server.send(.put, "/v1/storage/buckets/site/objects/a/..%2F..%2Fescape", token: alice.token, body: [1])
            #expect(traversal.status == 400)

            // 24 MiB up and down, streamed; the bytes come back identical.
            var generator = SystemRandomNumberGenerator()
            let large = (0..<(3 << 20)).flatMap { _ in withUnsafeBytes(of: generator.next()) { Array($0) } }
            let uploaded = try await server.send(.put, "/v1/storage/buckets/site/objects/big.bin", token: alice.token, body: large)
            #expect(uploaded.status == 201 && uploaded.json["size"]?.intValue == large.count)
            let downloaded = try await server.send(.get, "/v1/storage/buckets/site/objects/big.bin", token: alice.token)
            #expect(downloaded.status == 200 && downloaded.body.count == large.count)
            #expect(SHA256.hash(data: downloaded.body) == SHA256.hash(data: large))

            let listing = try await server.send(.get, "/v1/storage/buckets/site/objects?limit=1", token: alice.token)
            #expect(listing.status == 200 && listing.json["objects"]?.arrayValue?.count == 1 && listing.json["nextCursor"] != nil)
            let deleted = try await server.send(.delete, "/v1/storage/buckets/site/objects/big.bin", token: alice.token)
            #expect(deleted.status == 204)
            #expect(try await server.send(.get, "/v1/storage/buckets/site/objects/big.bin", token: alice.token).status == 404)
        }
    }
}

import Foundation
import PipeCore
import PipeHTTP
import Testing

@Suite("Signed URLs, public objects and resumable uploads over HTTP", .serialized)
struct ObjectLinkAPITests {
    @Test("a signed GET link reads one object without credentials until it expires; tampering is refused")
    func signedDownloads() async throws {
        try await ServerFixture.with { server in
            let alice = try await server.user("alice@example.com")
            let bob = try await server.user("bob@example.com")
            _ = try await server.send(.post, "/v1/storage/buckets", token: alice.token, json: ["name": "photos"])
            _ = try await server.send(.put, "/v1/storage/buckets/photos/objects/trip/cat%20one.jpg", token: alice.token, body: Array("meow".utf8), headers: ["Content-Type": "image/jpeg"])
            _ = try await server.send(.put, "/v1/storage/buckets/photos/objects/trip/dog.jpg", token: alice.token, body: Array("woof".utf8))

            let minted = try await server.send(
                .post, "/v1/storage/buckets/photos/signed-urls", token: alice.token,
                json: ["key": "trip/cat one.jpg", "method": "GET", "expiresIn": 600])
            #expect(minted.status == 201, "\(String(decoding: minted.body, as: UTF8.self))")
            let path = try #require(minted.json["path"]?.stringValue)
            #expect(minted.json["url"]?.stringValue?.hasSuffix(path) == true && minted.json["method"] == "GET")

            let read = try await server.send(.get, path)
            #expect(read.status == 200 && read.body == Array("meow".utf8) && read.headers["Content-Type"] == "image/jpeg")
            #expect(read.headers["Cache-Control"]?.hasPrefix("private") == true)
            let ranged = try await server.send(.get, path, headers: ["Range": "bytes=1-2"])
            #expect(ranged.status == 206 && ranged.body == Array("eo".utf8))
            #expect(try await server.send(.head, path).status == 200)
            // Another object, another method, or an altered signature or expiry: refused.
            let otherObject = path.replacingOccurrences(of: "cat%20one.jpg", with: "dog.jpg")
            #expect(try await server.send(.get, otherObject).errorCode == "signature_invalid")
            #expect(try await server.send(.put, path, body: [1]).errorCode == "signature_invalid")
            let forged = path.replacingOccurrences(of: "signature=", with: "signature=A")
            #expect(try await server.send(.get, forged).errorCode == "signature_invalid")
            let expiry = try #require(path.range(of: #"expires=\d+"#, options: .regularExpression))
            let longer = path.replacingCharacters(in: expiry, with: "expires=9999999999")
            #expect(try await server.send(.get, longer).errorCode == "signature_invalid")
            #expect(try await server.send(.get, "/v1/storage/signed/photos/trip/dog.jpg").errorCode == "signature_invalid")

            // Only someone who may read the object can sign for it; bad requests name the field.
            let stranger = try await server.send(.post, "/v1/storage/buckets/photos/signed-urls", token: bob.token, json: ["key": "trip/dog.jpg", "method": "GET", "expiresIn": 60])
            #expect(stranger.status == 404)
            #expect(try await server.send(.post, "/v1/storage/buckets/photos/signed-urls", json: ["key": "a", "method": "GET", "expiresIn": 60]).status == 401)
            for (body, field) in [
                (["key": "a", "method": "DELETE", "expiresIn": 60] as JSONValue, "method"), (["key": "a", "method": "GET", "expiresIn": 0], "expiresIn"),
                (["key": "a", "method": "GET", "expiresIn": 604_801], "expiresIn"), (["key": "a", "method": "GET"], "expiresIn"),
                (["key": "a", "method": "GET", "expiresIn": 60, "owner": "x"], "owner"),
            ] {
                let response = try await server.send(.post, "/v1/storage/buckets/photos/signed-urls", token: alice.token, json: body)
                #expect(response.status == 400 && response.json["error"]?["details"]?["field"]?.stringValue == field, "\(body)")
            }
        }
    }

    @Test("a signed PUT link uploads one object with the content type it was signed for")
    func signedUploads() async throws {
        try await ServerFixture.with { server in
            let alice = try await server.user("alice@example.com")
            _ = try await server.send(.post, "/v1/storage/buckets", token: alice.token, json: ["name": "inbox"])
            let minted = try await server.send(
                .post, "/v1/storage/buckets/inbox/signed-urls", token: alice.token,
                json: ["key": "upload.csv", "method": "PUT", "expiresIn": 60, "contentType": "text/csv"])
            let path = try #require(minted.json["path"]?.stringValue)
            let wrongType = try await server.send(.put, path, body: Array("a,b".utf8), headers: ["Content-Type": "text/plain"])
            #expect(wrongType.status == 403 && wrongType.json["error"]?["details"]?["reason"] == "contentType")
            let put = try await server.send(.put, path, body: Array("a,b\n1,2\n".utf8), headers: ["Content-Type": "text/csv"])
            #expect(put.status == 201 && put.json["contentType"] == "text/csv" && put.headers["ETag"] != nil)
            #expect(try await server.send(.get, path).errorCode == "signature_invalid")  // signed for PUT only
            // The link creates; it cannot be bent into overwriting what is there.
            let again = try await server.send(.put, path, body: Array("evil".utf8), headers: ["Content-Type": "text/csv"])
            #expect(again.status == 409 && again.errorCode == "object_exists")
            let upsert = try await server.send(.put, path + "&upsert=true", body: Array("evil".utf8), headers: ["Content-Type": "text/csv"])
            #expect(upsert.status == 400 && upsert.json["error"]?["details"]?["field"] == "upsert")
            let stored = try await server.send(.get, "/v1/storage/buckets/inbox/objects/upload.csv", token: alice.token)
            #expect(stored.body == Array("a,b\n1,2\n".utf8))
        }
    }

    @Test("objects of public buckets are served to anyone with shared-cache headers; private buckets' are not")
    func publicObjects() async throws {
        try await ServerFixture.with { server in
            let alice = try await server.user("alice@example.com")
            _ = try await server.send(.post, "/v1/storage/buckets", token: alice.token, json: ["name": "site", "public": true])
            _ = try await server.send(.post, "/v1/storage/buckets", token: alice.token, json: ["name": "vault"])
            _ = try await server.send(.put, "/v1/storage/buckets/site/objects/css/main.css", token: alice.token, body: Array("body{}".utf8), headers: ["Content-Type": "text/css"])
            _ = try await server.send(.put, "/v1/storage/buckets/vault/objects/secret", token: alice.token, body: Array("s".utf8))
            let open = try await server.send(.get, "/v1/storage/public/site/css/main.css")
            #expect(open.status == 200 && open.body == Array("body{}".utf8) && open.headers["Content-Type"] == "text/css")
            #expect(open.headers["Cache-Control"]?.contains("private") != true && open.headers["ETag"] != nil)
            let etag = try #require(open.headers["ETag"])
            #expect(try await server.send(.get, "/v1/storage/public/site/css/main.css", headers: ["If-None-Match": etag]).status == 304)
            #expect(try await server.send(.head, "/v1/storage/public/site/css/main.css").status == 200)
            for path in ["/v1/storage/public/vault/secret", "/v1/storage/public/site/missing", "/v1/storage/public/nothing/x"] {
                let response = try await server.send(.get, path)
                #expect(response.status == 404 && response.json["error"] != nil, "\(path)")
            }
            // Even the owner's credentials do not open a private bucket through the public path.
            #expect(try await server.send(.get, "/v1/storage/public/vault/secret", token: alice.token).status == 404)
        }
    }

    @Test("resumable uploads: parts in any order, resend to resume, complete into the object; sessions are private")
    func resumableUploads() async throws {
        try await ServerFixture.with { server in
            let alice = try await server.user("alice@example.com")
            let bob = try await server.user("bob@example.com")
            _ = try await server.send(.post, "/v1/storage/buckets", token: alice.token, json: ["name": "videos"])
            let started = try await server.send(
                .post, "/v1/storage/buckets/videos/uploads", token: alice.token, json: ["key": "clip.bin", "contentType": "application/octet-stream"])
            #expect(started.status == 201, "\(String(decoding: started.body, as: UTF8.self))")
            let id = try #require(started.json["id"]?.stringValue)
            let partOne = [UInt8](repeating: 1, count: 300_000)
            let partTwo = [UInt8](repeating: 2, count: 1000)
            let second = try await server.send(.put, "/v1/storage/uploads/\(id)/parts/2", token: alice.token, body: partTwo)
            #expect(second.status == 200 && second.json["size"] == 1000 && second.json["number"] == 2)
            _ = try await server.send(.put, "/v1/storage/uploads/\(id)/parts/1", token: alice.token, body: [9, 9])
            // Resuming: the session says which parts arrived; a part sent again replaces the old one.
            let session = try await server.send(.get, "/v1/storage/uploads/\(id)", token: alice.token)
            #expect(session.json["parts"]?.arrayValue?.compactMap { $0["number"] } == [1, 2])
            _ = try await server.send(.put, "/v1/storage/uploads/\(id)/parts/1", token: alice.token, body: partOne)

            for (method, path) in [
                (HTTPMethod.get, "/v1/storage/uploads/\(id)"), (.put, "/v1/storage/uploads/\(id)/parts/3"),
                (.post, "/v1/storage/uploads/\(id)/complete"), (.delete, "/v1/storage/uploads/\(id)"),
            ] {
                #expect(try await server.send(method, path, token: bob.token, body: [1]).errorCode == "upload_not_found", "\(method) \(path)")
                #expect(try await server.send(method, path, body: [1]).status == 401, "\(method) \(path)")
            }
            #expect(try await server.send(.put, "/v1/storage/uploads/\(id)/parts/0", token: alice.token, body: [1]).status == 400)
            #expect(try await server.send(.put, "/v1/storage/uploads/\(id)/parts/10001", token: alice.token, body: [1]).status == 400)

            let done = try await server.send(.post, "/v1/storage/uploads/\(id)/complete", token: alice.token)
            #expect(done.status == 201 && done.json["size"] == .int(300_000 + 1000), "\(String(decoding: done.body, as: UTF8.self))")
            let object = try await server.send(.get, "/v1/storage/buckets/videos/objects/clip.bin", token: alice.token)
            #expect(object.body == partOne + partTwo)
            #expect(try await server.send(.get, "/v1/storage/uploads/\(id)", token: alice.token).errorCode == "upload_not_found")

            let aborted = try await server.send(.post, "/v1/storage/buckets/videos/uploads", token: alice.token, json: ["key": "gone.bin"])
            let abortedID = try #require(aborted.json["id"]?.stringValue)
            #expect(try await server.send(.delete, "/v1/storage/uploads/\(abortedID)", token: alice.token).status == 204)
            #expect(try await server.send(.post, "/v1/storage/uploads/\(abortedID)/complete", token: alice.token).errorCode == "upload_not_found")
            #expect(try await server.send(.post, "/v1/storage/buckets/videos/uploads", token: bob.token, json: ["key": "x"]).status == 404)
            #expect(try await server.send(.post, "/v1/storage/buckets/videos/uploads", token: alice.token, json: ["key": "x", "roles": []]).status == 400)
        }
    }
}

import Crypto
import Foundation
import PipeAuth
import PipeClient
import PipeCore
import Testing

extension Mode: CustomTestStringConvertible {
    var testDescription: String { rawValue }
}

/// The same application code against both modes: same results, same models, same error codes.
@Suite("PipeClient parity", .serialized)
struct ParityTests {
    static let definition: JSONValue = [
        "name": "double", "source": ["type": "caller"],
        "steps": [["type": "map", "expression": "{n: n * `2`}"]], "sink": ["type": "collect"],
    ]

    static func code(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch let error as PipeError {
            return error.code.rawValue
        } catch {
            return "not a PipeError: \(error)"
        }
    }

    @Test("buckets: create, read, list, refuse a duplicate, delete", arguments: Mode.allCases)
    func buckets(_ mode: Mode) async throws {
        try await ClientFixture.with(mode) { fixture in
            let storage = fixture.client.storage
            let name = try BucketName("photos")
            let created = try await storage.createBucket(
                name, options: BucketOptions(fileSizeLimit: 1 << 20, allowedContentTypes: ["image/*"]))
            #expect(created.name == name && created.fileSizeLimit == 1 << 20 && created.allowedContentTypes == ["image/*"])
            let read = try await storage.getBucket(name)
            #expect(read.name == name && read.allowedContentTypes == ["image/*"] && !read.isPublic)
            #expect(try await storage.listBuckets().map(\.name) == [name])
            #expect(await Self.code { _ = try await storage.createBucket(name, options: BucketOptions()) } == "bucket_exists")
            try await storage.deleteBucket(name)
            #expect(await Self.code { _ = try await storage.getBucket(name) } == "bucket_not_found")
        }
    }

    @Test("objects: put, get, head, list, conditional writes, delete", arguments: Mode.allCases)
    func objects(_ mode: Mode) async throws {
        try await ClientFixture.with(mode) { fixture in
            let storage = fixture.client.storage
            let bucket = try BucketName("docs")
            _ = try await storage.createBucket(bucket, options: BucketOptions())
            let key = try ObjectKey("notes/2026/plan.txt")
            let bytes = Array("the plan".utf8)
            let info = try await storage.putObject(bytes, in: bucket, at: key, options: PutObjectOptions())
            let sha = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            #expect(info.etag == sha && info.size == 8 && info.contentType.hasPrefix("text/plain"))
            let stored = try await storage.getObject(in: bucket, at: key)
            #expect(stored.bytes == bytes && stored.info.etag == sha && stored.info.contentType == info.contentType)
            let head = try await storage.headObject(in: bucket, at: key)
            #expect(head.size == 8 && head.etag == sha)
            #expect(
                await Self.code {
                    _ = try await storage.putObject(Array("again".utf8), in: bucket, at: key, options: PutObjectOptions())
                } == "object_exists")
            let replaced = try await storage.putObject(
                Array("new plan".utf8), in: bucket, at: key, options: PutObjectOptions(upsert: true, ifMatch: sha))
            #expect(replaced.etag != sha)
            #expect(
                await Self.code {
                    _ = try await storage.putObject(
                        bytes, in: bucket, at: key, options: PutObjectOptions(upsert: true, ifMatch: sha))
                } == "precondition_failed")
            _ = try await storage.putObject(Array("x".utf8), in: bucket, at: try ObjectKey("other.bin"), options: PutObjectOptions())
            let listed = try await storage.listObjects(in: bucket, prefix: "notes/", limit: 10, cursor: nil)
            #expect(listed.items.map(\.key) == [key] && listed.nextCursor == nil && listed.items.first?.etag == replaced.etag)
            try await storage.deleteObject(in: bucket, at: key)
            #expect(await Self.code { _ = try await storage.getObject(in: bucket, at: key) } == "object_not_found")
            #expect(await Self.code { _ = try await storage.headObject(in: bucket, at: key) } == "object_not_found")
        }
    }

    @Test("jobs: submit, follow events, wait, result; idempotency; errors", arguments: Mode.allCases)
    func jobs(_ mode: Mode) async throws {
        try await ClientFixture.with(mode) { fixture in
            let jobs = fixture.client.jobs
            let job = try await jobs.submit(Self.definition, input: [["n": 1], ["n": 2]], idempotencyKey: "double-1")
            #expect(job.pipeline.rawValue == "double")
            var states: [JobState] = []
            for try await event in try await jobs.events(job.id) {
                if case .state(let state) = event { states.append(state) }
            }
            #expect(states.last == .succeeded)
            let result = try await jobs.wait(for: job.id)
            #expect(result.job.state == .succeeded && result.records == [["n": 2], ["n": 4]] && result.error == nil)
            let again = try await jobs.submit(Self.definition, input: [["n": 1], ["n": 2]], idempotencyKey: "double-1")
            #expect(again.id == job.id)
            #expect(
                await Self.code { _ = try await jobs.submit(Self.definition, input: [["n": 9]], idempotencyKey: "double-1") }
                    == "idempotency_key_reused")
            let listed = try await jobs.jobs(state: .succeeded, pipeline: nil, limit: 10, cursor: nil)
            #expect(listed.items.map(\.id) == [job.id])
            #expect(await Self.code { _ = try await jobs.job(try JobID("01a22b51fd768010338fbc54fb2cd23c195bfe2c4ffc")) } == "job_not_found")
            #expect(await Self.code { _ = try await jobs.submit(["name": "broken"], input: nil, idempotencyKey: nil) } == "invalid_pipeline")
        }
    }

    @Test("sign in with a password, act as that user, sign out", arguments: Mode.allCases)
    func passwordSession(_ mode: Mode) async throws {
        try await ClientFixture.with(mode) { fixture in
            let user = try await fixture.user("ada@example.com")
            let client = try await fixture.newClient(.none)
            var states = await client.auth.states().makeAsyncIterator()
            #expect(await states.next() == .signedOut)
            #expect(await Self.code { _ = try await client.auth.currentAccount() } == "unauthenticated")
            #expect(await Self.code { try await client.auth.signIn(email: "ada@example.com", password: "wrong") } == "invalid_credentials")
            #expect(try await client.auth.signIn(email: "ada@example.com", password: "correct horse") == .signedIn)
            guard case .signedIn(let userID, _) = await states.next() else {
                Issue.record("no signed-in state")
                return
            }
            #expect(userID == user.id.rawValue)
            let account = try await client.auth.currentAccount()
            #expect(account.email == "ada@example.com" && account.id == user.id.rawValue && account.kind == .user)
            _ = try await client.storage.createBucket(try BucketName("ada-files"), options: BucketOptions())
            #expect(try await client.storage.listBuckets().map(\.name.rawValue) == ["ada-files"])
            // The admin's client sees the bucket; Ada's does not see the admin's.
            #expect(try await fixture.client.storage.listBuckets().map(\.name.rawValue).contains("ada-files"))
            await client.auth.signOut()
            #expect(await states.next() == .signedOut)
            #expect(await Self.code { _ = try await client.storage.createBucket(try BucketName("anon"), options: BucketOptions()) } == "unauthenticated")
        }
    }
}

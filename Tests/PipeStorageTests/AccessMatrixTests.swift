import Foundation
import PipeCore
import PipeStorage
import Testing
import PipeTestSupport

/// Every kind of caller against every kind of operation, on a private and a public bucket.
@Suite("Access matrix")
struct AccessMatrixTests {
    static let owner = StorageFixture.alice
    static let reader = StorageFixture.bob  // granted read on the bucket
    static let writer = Principal(id: try! UserID("dave"))  // granted write on the bucket, not read
    static let editor = StorageFixture.carol  // role "editor": read and write under drafts/
    static let stranger = Principal(id: try! UserID("eve"))
    static let admin = StorageFixture.admin

    static let callers: [(String, Principal?)] = [
        ("owner", owner), ("reader", reader), ("writer", writer), ("editor", editor), ("stranger", stranger),
        ("anonymous", nil), ("admin", admin),
    ]

    typealias Operation = @Sendable (StorageService, BucketName, Principal?) async throws -> Void

    static let operations: [(String, Operation)] = [
        ("getBucket", { storage, bucket, caller in _ = try await storage.getBucket(bucket, as: caller) }),
        ("list", { storage, bucket, caller in _ = try await storage.listObjects(in: bucket, as: caller) }),
        ("listDrafts", { storage, bucket, caller in _ = try await storage.listObjects(in: bucket, prefix: "drafts/", as: caller) }),
        ("head", { storage, bucket, caller in _ = try await storage.headObject(in: bucket, at: .named("doc.txt"), as: caller) }),
        ("get", { storage, bucket, caller in _ = try await storage.getObject(in: bucket, at: .named("doc.txt"), as: caller) }),
        ("getMissing", { storage, bucket, caller in _ = try await storage.getObject(in: bucket, at: .named("ghost"), as: caller) }),
        ("getDraft", { storage, bucket, caller in _ = try await storage.getObject(in: bucket, at: .named("drafts/x.txt"), as: caller) }),
        ("put", { storage, bucket, caller in
            try await storage.putObject([1], in: bucket, at: .named("doc.txt"), options: PutObjectOptions(upsert: true), as: caller)
        }),
        ("putDraft", { storage, bucket, caller in
            try await storage.putObject([1], in: bucket, at: .named("drafts/x.txt"), options: PutObjectOptions(upsert: true), as: caller)
        }),
        ("copyOut", { storage, bucket, caller in
            try await storage.copyObject(from: bucket, at: .named("doc.txt"), to: bucket, at: .named("drafts/copy.txt"), options: CopyOptions(upsert: true), as: caller)
        }),
        ("startUpload", { storage, bucket, caller in _ = try await storage.startUpload(in: bucket, at: .named("up.bin"), as: caller) }),
        ("signGet", { storage, bucket, caller in _ = try await storage.signURL(.get, in: bucket, at: .named("doc.txt"), expiresIn: .seconds(60), as: caller) }),
        ("signPut", { storage, bucket, caller in _ = try await storage.signURL(.put, in: bucket, at: .named("doc.txt"), expiresIn: .seconds(60), as: caller) }),
        ("usage", { storage, bucket, caller in _ = try await storage.usage(of: bucket, as: caller) }),
        ("update", { storage, bucket, caller in
            let current = try await storage.getBucket(bucket, as: StorageFixture.admin)
            _ = try await storage.updateBucket(bucket, options: current.options, as: caller)
        }),
        ("policy", { storage, bucket, caller in _ = try await storage.bucketPolicy(bucket, as: caller) }),
        ("delete", { storage, bucket, caller in try await storage.deleteObject(in: bucket, at: .named("doc.txt"), as: caller) }),
        ("empty", { storage, bucket, caller in try await storage.emptyBucket(bucket, as: caller) }),
    ]

    // Expected outcomes, one per caller in `callers` order: ok, bnf (bucket_not_found), onf (object_not_found),
    // 403 (forbidden).
    static let privateExpectations: [String: [String]] = [
        "getBucket": ["ok", "ok", "ok", "ok", "bnf", "bnf", "ok"],
        "list": ["ok", "ok", "403", "403", "bnf", "bnf", "ok"],
        "listDrafts": ["ok", "ok", "403", "ok", "bnf", "bnf", "ok"],
        "head": ["ok", "ok", "onf", "onf", "bnf", "bnf", "ok"],
        "get": ["ok", "ok", "onf", "onf", "bnf", "bnf", "ok"],
        "getMissing": ["onf", "onf", "onf", "onf", "bnf", "bnf", "onf"],
        "getDraft": ["ok", "ok", "onf", "ok", "bnf", "bnf", "ok"],
        "put": ["ok", "403", "ok", "403", "bnf", "bnf", "ok"],
        "putDraft": ["ok", "403", "ok", "ok", "bnf", "bnf", "ok"],
        "copyOut": ["ok", "403", "onf", "onf", "bnf", "bnf", "ok"],
        "startUpload": ["ok", "403", "ok", "403", "bnf", "bnf", "ok"],
        "signGet": ["ok", "ok", "onf", "onf", "bnf", "bnf", "ok"],
        "signPut": ["ok", "403", "ok", "403", "bnf", "bnf", "ok"],
        "usage": ["ok", "ok", "403", "403", "bnf", "bnf", "ok"],
        "update": ["ok", "403", "403", "403", "bnf", "bnf", "ok"],
        "policy": ["ok", "403", "403", "403", "bnf", "bnf", "ok"],
        "delete": ["ok", "403", "onf", "onf", "bnf", "bnf", "ok"],
        "empty": ["ok", "403", "403", "403", "bnf", "bnf", "ok"],
    ]

    /// On a public bucket everyone reads; writing still needs a grant, and refusals are plain `forbidden`.
    static let publicExpectations: [String: [String]] = [
        "getBucket": ["ok", "ok", "ok", "ok", "ok", "ok", "ok"],
        "list": ["ok", "ok", "ok", "ok", "ok", "ok", "ok"],
        "listDrafts": ["ok", "ok", "ok", "ok", "ok", "ok", "ok"],
        "head": ["ok", "ok", "ok", "ok", "ok", "ok", "ok"],
        "get": ["ok", "ok", "ok", "ok", "ok", "ok", "ok"],
        "getMissing": ["onf", "onf", "onf", "onf", "onf", "onf", "onf"],
        "getDraft": ["ok", "ok", "ok", "ok", "ok", "ok", "ok"],
        "put": ["ok", "403", "ok", "403", "403", "403", "ok"],
        "putDraft": ["ok", "403", "ok", "ok", "403", "403", "ok"],
        "copyOut": ["ok", "403", "ok", "ok", "403", "403", "ok"],
        "startUpload": ["ok", "403", "ok", "403", "403", "403", "ok"],
        "signGet": ["ok", "ok", "ok", "ok", "ok", "ok", "ok"],
        "signPut": ["ok", "403", "ok", "403", "403", "403", "ok"],
        "usage": ["ok", "ok", "ok", "ok", "ok", "ok", "ok"],
        "update": ["ok", "403", "403", "403", "403", "403", "ok"],
        "policy": ["ok", "403", "403", "403", "403", "403", "ok"],
        "delete": ["ok", "403", "403", "403", "403", "403", "ok"],
        "empty": ["ok", "403", "403", "403", "403", "403", "ok"],
    ]

    static func outcome(_ error: PipeError?) -> String {
        switch error?.code {
        case nil: "ok"
        case .bucketNotFound?: "bnf"
        case .objectNotFound?: "onf"
        case .forbidden?: "403"
        case let code?: code.rawValue
        }
    }

    @Test("owner, grantees, stranger, anonymous and admin × every operation", arguments: [false, true])
    func matrix(isPublic: Bool) async throws {
        let fixture = try await StorageFixture()
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("shared")
        _ = try await storage.createBucket(bucket, options: BucketOptions(isPublic: isPublic), as: Self.owner)
        _ = try await storage.setGrants(
            [
                Grant(.user(Self.reader.id), .read, on: .bucket(bucket)),
                Grant(.user(Self.writer.id), .write, on: .bucket(bucket)),
                Grant(.role("editor"), .read, on: .objects(bucket, prefix: "drafts/")),
                Grant(.role("editor"), .write, on: .objects(bucket, prefix: "drafts/")),
            ], on: bucket, as: Self.owner)
        let expectations = isPublic ? Self.publicExpectations : Self.privateExpectations
        var mismatches: [String] = []
        for (name, operation) in Self.operations {
            let expected = try #require(expectations[name])
            for (index, (caller, principal)) in Self.callers.enumerated() {
                // Each check starts from the same objects, so a delete does not change later answers.
                try await storage.putObject([7], in: bucket, at: .named("doc.txt"), options: PutObjectOptions(upsert: true), as: Self.owner)
                try await storage.putObject([8], in: bucket, at: .named("drafts/x.txt"), options: PutObjectOptions(upsert: true), as: Self.owner)
                let got = Self.outcome(await pipeError { try await operation(storage, bucket, principal) })
                if got != expected[index] { mismatches.append("\(name) as \(caller): expected \(expected[index]), got \(got)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }

    @Test("strangers cannot tell a missing bucket from a private one", arguments: StorageFixture.backends)
    func noProbing(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        _ = try await fixture.storage.createBucket(.named("exists"), as: Self.owner)
        let missing = await pipeError { _ = try await fixture.storage.getObject(in: .named("nothing"), at: .named("a"), as: Self.stranger) }
        let hidden = await pipeError { _ = try await fixture.storage.getObject(in: .named("exists"), at: .named("a"), as: Self.stranger) }
        #expect(missing?.code == .bucketNotFound && hidden?.code == .bucketNotFound)
        #expect(missing?.message == hidden?.message.replacingOccurrences(of: "exists", with: "nothing"))
        #expect(try await fixture.storage.listBuckets(as: Self.stranger).isEmpty)
        #expect(try await fixture.storage.listBuckets(as: Self.admin).count == 1)
    }

    @Test("token scopes narrow what roles and grants allow", arguments: StorageFixture.backends)
    func scopes(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        let bucket = BucketName.named("scoped")
        _ = try await fixture.storage.createBucket(bucket, as: Self.owner)
        let readOnly = Principal(id: Self.owner.id, scopes: ["storage:read"])
        try await fixture.storage.putObject([1], in: bucket, at: .named("a"), as: Self.owner)
        _ = try await fixture.storage.getObject(in: bucket, at: .named("a"), as: readOnly)
        #expect(await pipeError { try await fixture.storage.putObject([1], in: bucket, at: .named("b"), as: readOnly) }?.code == .forbidden)
        let pipelinesOnly = Principal(id: Self.owner.id, scopes: ["pipelines:read"])
        #expect(await pipeError { _ = try await fixture.storage.getObject(in: bucket, at: .named("a"), as: pipelinesOnly) }?.code == .bucketNotFound)
        // A token that does not reach storage learns nothing about the owner's buckets.
        #expect(try await fixture.storage.listBuckets(as: pipelinesOnly).isEmpty)
        #expect(await pipeError { _ = try await fixture.storage.getBucket(bucket, as: pipelinesOnly) }?.code == .bucketNotFound)
        #expect(try await fixture.storage.listBuckets(as: readOnly).count == 1)
    }

    @Test("grants must stay inside their bucket", arguments: StorageFixture.backends)
    func grantScope(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        let bucket = BucketName.named("mine")
        _ = try await fixture.storage.createBucket(bucket, as: Self.owner)
        let foreign = Grant(.user(Self.reader.id), .read, on: .bucket(.named("theirs")))
        #expect(await pipeError { _ = try await fixture.storage.setGrants([foreign], on: bucket, as: Self.owner) }?.code == .invalidArgument)
    }
}

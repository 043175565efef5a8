import Foundation
import PipeCore
import PipePipeline
import PipeStorage
import Testing
import PipeTestSupport

/// The composition the brief describes: a pipeline reaches storage only through the `ObjectStorage` port, here
/// the real service acting for the pipeline's owner.
@Suite("Pipelines over stored objects")
struct PipelineOverStorageTests {
    @Test("readObject streams an object in chunks; the default implementation hands it over whole")
    func chunks() async throws {
        let fixture = try await StorageFixture { $0.chunkSize = 64 << 10 }
        defer { fixture.remove() }
        let port = fixture.storage.acting(as: StorageFixture.alice)
        let bucket = BucketName.named("data")
        _ = try await port.createBucket(bucket)
        let bytes = pattern(1_000_000)
        _ = try await port.putObject(bytes, in: bucket, at: .named("blob"))
        var received: [UInt8] = []
        var count = 0
        let object = try await port.readObject(in: bucket, at: .named("blob"))
        for try await chunk in object {
            received += chunk
            count += 1
        }
        #expect(received == bytes && count == 16 && object.info.size == 1_000_000)
        let other: any ObjectStorage = fixture.storage.acting(as: StorageFixture.bob)
        #expect(await pipeError { _ = try await other.readObject(in: bucket, at: .named("blob")) }?.code == .bucketNotFound)
    }

    @Test("a declarative pipeline reads a stored JSON Lines object chunk by chunk and stores its output")
    func pipeline() async throws {
        let fixture = try await StorageFixture { $0.chunkSize = 64 << 10 }
        defer { fixture.remove() }
        let port = fixture.storage.acting(as: StorageFixture.alice)
        let bucket = BucketName.named("data")
        _ = try await port.createBucket(bucket, options: BucketOptions(encryptedAtRest: true))
        var text = ""
        for id in 0..<50_000 { text += #"{"id":\#(id),"v":\#(id % 10)}"# + "\n" }
        _ = try await port.putObject(Array(text.utf8), in: bucket, at: .named("in/records.jsonl"))
        let definition = try PipelineDefinition.parse(
            json: #"""
                {"name": "sevens", "source": {"type": "storage", "bucket": "data", "key": "in/records.jsonl"},
                 "steps": [{"type": "filter", "expression": "v == `7`"}, {"type": "map", "expression": "id"}],
                 "sink": {"type": "storage", "bucket": "data", "key": "out/sevens.jsonl"}}
                """#)
        let result = try await definition.compile().execute(environment: PipelineEnvironment(storage: port))
        #expect(result.report.read == 50_000 && result.report.written == 5_000)
        let output = try await port.getObject(in: bucket, at: .named("out/sevens.jsonl"))
        let ids = String(decoding: output.bytes, as: UTF8.self).split(separator: "\n").compactMap { Int($0) }
        #expect(ids == Array(stride(from: 7, to: 50_000, by: 10)))
        // The pipeline acts for its owner: a stranger's pipeline cannot read the bucket.
        let strangers = PipelineEnvironment(storage: fixture.storage.acting(as: StorageFixture.bob))
        let denied = await pipeError { _ = try await definition.compile().execute(environment: strangers) }
        #expect(denied?.code == .bucketNotFound)
    }
}

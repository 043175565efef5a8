import Foundation
import PipeClient
import PipeCore
import PipePipeline

let directory = ".orders"
let services = try await EmbeddedServices.open(directory: directory)
// On a fresh directory: the first admin account, with an API key that is shown this once. Keep it.
if let admin = try await services.bootstrapAdmin() {
    _ = FileManager.default.createFile(
        atPath: directory + "/admin.key", contents: Data(admin.apiKey.utf8), attributes: [.posixPermissions: 0o600])
}
let key = try String(contentsOfFile: directory + "/admin.key", encoding: .utf8)

let pipe = try await PipeClient.embedded(services, credentials: .apiKey(key))
let workers = Task { await services.runWorkers() }

/// Everything the program does, against any client.
func work(with pipe: PipeClient) async throws -> [JSONValue] {
    let bucket = try BucketName("orders")
    do {
        _ = try await pipe.storage.createBucket(bucket, options: BucketOptions())
    } catch where error.code == .bucketExists {
        // Made by an earlier run.
    }
    let orders = """
        {"id": "o-1", "status": "paid", "total": 49.0}
        {"id": "o-2", "status": "open", "total": 12.5}
        {"id": "o-3", "status": "paid", "total": 310.0}

        """
    _ = try await pipe.storage.putObject(
        Array(orders.utf8), in: bucket, at: try ObjectKey("2026-11.jsonl"),
        options: PutObjectOptions(contentType: "application/jsonl", upsert: true))

    let definition = try PipelineDefinition.decode([
        "name": "paid-orders",
        "source": ["type": "storage", "bucket": "orders", "key": "2026-11.jsonl"],
        "steps": [["type": "filter", "expression": "status == 'paid'"]],
        "sink": ["type": "collect"],
    ])
    _ = try await pipe.pipelines.register(definition)  // a new version only when the definition changed
    let job = try await pipe.jobs.run(definition.name, version: nil, input: nil, idempotencyKey: nil)
    let result = try await pipe.jobs.wait(for: job.id)
    if let error = result.error { throw error }
    return result.records
}

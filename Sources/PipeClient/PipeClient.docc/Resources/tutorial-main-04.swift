import Foundation
import PipeClient
import PipeCore
import PipePipeline

let key = try String(contentsOfFile: ".orders/admin.key", encoding: .utf8)
let pipe = try await PipeClient.remote(URL(string: "http://127.0.0.1:8080")!, credentials: .apiKey(key))

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

for record in try await work(with: pipe) {
    print(record)
}
await pipe.shutdown()

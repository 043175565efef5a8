import Foundation
import PipeCore
import PipeHTTP
import PipeTestSupport
import Testing

/// `pipe serve` killed with SIGKILL mid-upload and mid-job, and stopped with SIGTERM mid-job, then restarted on the
/// same directory: nothing torn, nothing lost, nothing done twice.
@Suite("Crash and shutdown", .serialized)
struct CrashTests {
    static let settings = ["PIPE_PASSWORD_HASH_COST": "10", "PIPE_JOB_LEASE_SECONDS": "2"]

    func withDirectory(_ body: (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-crash-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await body(directory)
    }

    func send(
        _ http: CurlHTTPClient, _ method: HTTPMethod, _ url: String, key: String, json: JSONValue? = nil, body: [UInt8] = []
    ) async throws -> HTTPResponse {
        var bytes = body
        if let json {
            var writer = JSONWriter()
            writer.write(json)
            bytes = writer.bytes
        }
        return try await http.send(
            HTTPRequest(method: method, url: URL(string: url)!, headers: ["Authorization": "Bearer " + key], body: bytes))
    }

    /// 300,000 order records as JSON Lines: enough work that a job is still running when it is killed.
    static let orders: [UInt8] = Array((0..<300_000).map { "{\"id\": \($0), \"total\": \($0 % 500)}\n" }.joined().utf8)
    static let definition: JSONValue = [
        "name": "big-orders", "source": ["type": "storage", "bucket": "data", "key": "orders.jsonl"],
        "steps": [["type": "filter", "expression": "total >= `250`"], ["type": "map", "expression": "{id: id}"]],
        "sink": ["type": "storage", "bucket": "data", "key": "big.jsonl"],
    ]

    @Test("SIGKILL mid-upload: after a restart the object is absent or whole, and the store works")
    func killMidUpload() async throws {
        try await withDirectory { directory in
            let http = try CurlHTTPClient()
            defer { http.shutdown() }
            var server = try ServeProcess.start(directory: directory, environment: Self.settings)
            let key = try #require(server.adminKey)
            #expect(try await send(http, .post, server.baseURL + "/v1/storage/buckets", key: key, json: ["name": "data"]).status == 201)
            let big = [UInt8](repeating: 0x61, count: 48 << 20)
            let url = server.baseURL + "/v1/storage/buckets/data/objects/big.bin"
            let upload = Task { try await send(http, .put, url, key: key, body: big) }
            try await Task.sleep(for: .milliseconds(150))
            server.kill()
            _ = await upload.result

            server = try ServeProcess.start(directory: directory, environment: Self.settings)
            #expect(server.adminKey == nil)  // not a first start: no second admin
            let after = try await send(http, .get, server.baseURL + "/v1/storage/buckets/data/objects/big.bin", key: key)
            #expect(after.status == 404 || after.body == big, "status \(after.status), \(after.body.count) bytes")
            let retry = try await send(http, .put, server.baseURL + "/v1/storage/buckets/data/objects/big.bin?upsert=true", key: key, body: big)
            #expect(retry.status == 201)
            #expect(try await send(http, .get, server.baseURL + "/v1/storage/buckets/data/objects/big.bin", key: key).body == big)
            server.stop()
        }
    }

    @Test("SIGKILL mid-job: after a restart the job runs again and completes once, with its whole output")
    func killMidJob() async throws {
        try await runJobAcrossRestart(stopping: { $0.kill() })
    }

    @Test("SIGTERM mid-job: the server lets the running job finish before it exits")
    func gracefulStop() async throws {
        try await runJobAcrossRestart(stopping: { $0.stop() })
    }

    func runJobAcrossRestart(stopping: (ServeProcess) -> Void) async throws {
        try await withDirectory { directory in
            let http = try CurlHTTPClient()
            defer { http.shutdown() }
            var server = try ServeProcess.start(directory: directory, environment: Self.settings)
            let key = try #require(server.adminKey)
            _ = try await send(http, .post, server.baseURL + "/v1/storage/buckets", key: key, json: ["name": "data"])
            _ = try await send(http, .put, server.baseURL + "/v1/storage/buckets/data/objects/orders.jsonl", key: key, body: Self.orders)
            let submitted = try await send(http, .post, server.baseURL + "/v1/jobs", key: key, json: ["definition": Self.definition])
            let id = try #require(submitted.json["id"]?.stringValue)
            for _ in 0..<200 {
                let state = try await send(http, .get, server.baseURL + "/v1/jobs/\(id)", key: key).json["state"]?.stringValue
                if state != "queued" { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            stopping(server)

            server = try ServeProcess.start(directory: directory, environment: Self.settings)
            var state: String?
            for _ in 0..<600 {
                state = try await send(http, .get, server.baseURL + "/v1/jobs/\(id)", key: key).json["state"]?.stringValue
                if state == "succeeded" || state == "failed" || state == "deadLettered" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(state == "succeeded")
            let output = try await send(http, .get, server.baseURL + "/v1/storage/buckets/data/objects/big.jsonl", key: key)
            let lines = String(decoding: output.body, as: UTF8.self).split(separator: "\n")
            #expect(lines.count == 150_000 && Set(lines).count == 150_000)
            server.stop()
        }
    }

    /// The bytes writer `writer` stores as its `number`th object: distinct per object, checkable after a restart.
    static func payload(writer: Int, number: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 256 * 1024)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 31 &+ writer &* 7 &+ number) }
        return bytes
    }

    @Test("SIGTERM under load: the server drains and exits 0; every acknowledged upload is there, whole, after a restart")
    func gracefulStopUnderLoad() async throws {
        try await withDirectory { directory in
            let http = try CurlHTTPClient()
            defer { http.shutdown() }
            var server = try ServeProcess.start(directory: directory, environment: Self.settings)
            let key = try #require(server.adminKey)
            #expect(try await send(http, .post, server.baseURL + "/v1/storage/buckets", key: key, json: ["name": "load"]).status == 201)
            let base = server.baseURL

            // Six writers upload as fast as they can until the server is gone.
            let writers = (0..<6).map { writer in
                Task { () -> (acknowledged: [String], serverErrors: [Int]) in
                    var acknowledged: [String] = []
                    var serverErrors: [Int] = []
                    for number in 0..<200 {
                        let name = "w\(writer)-\(number)"
                        do {
                            let response = try await send(
                                http, .put, base + "/v1/storage/buckets/load/objects/\(name)", key: key,
                                body: Self.payload(writer: writer, number: number))
                            if response.status == 201 { acknowledged.append(name) }
                            if response.status >= 500 { serverErrors.append(response.status) }
                        } catch {
                            break  // the server stopped accepting: this writer is done
                        }
                    }
                    return (acknowledged, serverErrors)
                }
            }
            try await Task.sleep(for: .milliseconds(400))
            let status = await server.stopInBackground()
            var acknowledged: [String] = []
            for writer in writers {
                let result = await writer.value
                acknowledged += result.acknowledged
                #expect(result.serverErrors.isEmpty, "server errors while draining: \(result.serverErrors)")
            }
            #expect(status == 0, "pipe serve exited with \(status.map(String.init) ?? "nothing") after SIGTERM")
            #expect(acknowledged.count > 6, "the load did not get going: \(acknowledged.count) uploads")

            server = try ServeProcess.start(directory: directory, environment: Self.settings)
            for name in acknowledged {
                let parts = name.dropFirst().split(separator: "-").compactMap { Int($0) }
                let stored = try await send(http, .get, server.baseURL + "/v1/storage/buckets/load/objects/\(name)", key: key)
                #expect(stored.status == 200 && stored.body == Self.payload(writer: parts[0], number: parts[1]), "\(name)")
            }
            // Nothing torn either: whatever else is listed (uploads the server finished but could not acknowledge)
            // is whole too.
            let listing = try await send(http, .get, server.baseURL + "/v1/storage/buckets/load/objects", key: key)
            for object in listing.json["objects"]?.arrayValue ?? [] {
                #expect(object["size"] == .int(256 * 1024), "\(object)")
            }
            server.stop()
        }
    }
}

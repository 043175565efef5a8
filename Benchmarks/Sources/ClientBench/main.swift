// client-bench: small-object round trips through PipeClient, remote or embedded.
//
//     client-bench remote URL API_KEY BUCKET [--count 4000] [--concurrency 8] [--size 4096] [--rounds 3]
//     client-bench embedded DIR [--count 4000] [--concurrency 8] [--size 4096] [--rounds 3]
//
// Puts `count` objects of `size` bytes (`concurrency` calls in flight), `rounds` times, then gets each of them back,
// `rounds` times, and prints the median round's puts and gets per second as `put N/s` and `get N/s` lines (parsed by
// scripts/compare-client.sh), and every round on standard error.
//
// With `--puts-only` only the put rounds run. With `--gets-only` the objects are put once, unmeasured, and only gets
// are timed (each round reads every object again, so rounds after the first read hot objects); with `--existing` as
// well, the objects are taken to be there already and nothing is put (compare-client.sh runs one round at a time,
// taking turns with curl).
// Embedded mode opens (creating) the stores in DIR and acts as their first admin.
import Foundation
import PipeClient
import PipeCore
import PipeHTTP
import Synchronization

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: client-bench remote URL KEY BUCKET | embedded DIR [options]\n".utf8))
    exit(2)
}
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1])
    else { return fallback }
    return value
}
let count = option("--count", 4000)
let concurrency = option("--concurrency", 8)
let size = option("--size", 4096)
let rounds = option("--rounds", 3)

let client: PipeClient
let bucket: BucketName
switch arguments[1] {
case "remote":
    guard arguments.count >= 5, let url = URL(string: arguments[2]) else { exit(2) }
    var options = PipeClient.RemoteOptions()
    // PIPE_BENCH_RECEIVE_BUFFER (bytes): curl's receive buffer, to measure what its size costs.
    if let bytes = ProcessInfo.processInfo.environment["PIPE_BENCH_RECEIVE_BUFFER"].flatMap({ Int($0) }) {
        options.http.receiveBufferBytes = bytes
    }
    client = try await PipeClient.remote(url, credentials: .apiKey(arguments[3]), options: options)
    bucket = try BucketName(arguments[4])
case "embedded":
    let services = try await EmbeddedServices.open(directory: arguments[2])
    guard let admin = try await services.bootstrapAdmin() else {
        FileHandle.standardError.write(Data("client-bench: \(arguments[2]) must be a fresh directory\n".utf8))
        exit(2)
    }
    client = try await PipeClient.embedded(services, credentials: .apiKey(admin.apiKey))
    bucket = try BucketName("bench")
    _ = try await client.storage.createBucket(bucket, options: BucketOptions())
default:
    FileHandle.standardError.write(Data("client-bench: the mode is remote or embedded\n".utf8))
    exit(2)
}

let body = [UInt8](repeating: 0x5A, count: size)
let keys = try (0..<count).map { try ObjectKey("client-bench/\($0)") }

/// Runs `operation` for every key, `concurrency` at a time; returns operations per second.
///
/// `concurrency` workers each take the next key and make the call, until the keys run out, the way `curl --parallel`
/// keeps its transfers going: the measure is the client's cost per call, not a task made and awaited per call.
func measure(_ operation: @escaping @Sendable (ObjectKey) async throws -> Void) async throws -> Double {
    let next = KeyCursor()
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<min(concurrency, keys.count) {
            group.addTask {
                while let index = next.take(below: keys.count) { try await operation(keys[index]) }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = ContinuousClock.now - start
    return Double(keys.count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

/// The next key index for the workers of ``measure(_:)``.
final class KeyCursor: Sendable {
    private let next = Atomic<Int>(0)

    func take(below count: Int) -> Int? {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
        return index < count ? index : nil
    }
}

var puts: [Double] = []
var gets: [Double] = []
let storage = client.storage
// PIPE_BENCH_RAW_GETS=1 (remote, for profiling): the gets through PipeHTTP alone, with the same URL and key, to
// tell the client layer's cost from the transport's.
if arguments[1] == "remote", ProcessInfo.processInfo.environment["PIPE_BENCH_RAW_GETS"] == "1" {
    let http = try CurlHTTPClient()
    _ = try await measure { key in
        _ = try await storage.putObject(body, in: bucket, at: key, options: PutObjectOptions(upsert: true))
    }
    var raw: [Double] = []
    for _ in 0..<rounds {
        raw.append(try await measure { key in
            var request = HTTPRequest(url: URL(string: arguments[2] + "/v1/storage/buckets/\(bucket)/objects/\(key)")!)
            request.headers.add(name: "Authorization", value: "Bearer " + arguments[3])
            let response = try await http.send(request)
            precondition(response.status == 200 && response.body.count == size)
        })
    }
    print("raw gets: \(raw.map { String(Int($0)) }.joined(separator: " "))")
    http.shutdown()
    exit(0)
}
// --gets-only: the objects are put once, unmeasured, then only gets are timed (for profiling reads).
if arguments.contains("--gets-only") {
    // --existing: the objects are already there (an earlier run put them); no put at all.
    if !arguments.contains("--existing") {
        _ = try await measure { key in
            _ = try await storage.putObject(body, in: bucket, at: key, options: PutObjectOptions(upsert: true))
        }
    }
    for _ in 0..<rounds {
        gets.append(try await measure { key in
            let object = try await storage.getObject(in: bucket, at: key)
            precondition(object.bytes.count == size)
        })
    }
}
// The same order as the curl runs in scripts/compare-client.sh: every put round, then every get round. The first get
// round reads objects just written; the later ones read them again, as curl's do.
for _ in 0..<(arguments.contains("--gets-only") ? 0 : rounds) {
    puts.append(try await measure { key in
        _ = try await storage.putObject(body, in: bucket, at: key, options: PutObjectOptions(upsert: true))
    })
}
// --puts-only: no get rounds (for profiling writes).
for _ in 0..<(arguments.contains("--gets-only") || arguments.contains("--puts-only") ? 0 : rounds) {
    gets.append(try await measure { key in
        let object = try await storage.getObject(in: bucket, at: key)
        precondition(object.bytes.count == size)
    })
}
// Every round on standard error, to see the spread behind the best.
FileHandle.standardError.write(
    Data("rounds: put \(puts.map { String(Int($0)) }.joined(separator: " ")); get \(gets.map { String(Int($0)) }.joined(separator: " "))\n".utf8))
/// The middle value (the lower of the two middle ones for an even count); 0 for none.
func median(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.sorted()[(values.count - 1) / 2] }
print(String(format: "put %.0f/s", median(puts)))
print(String(format: "get %.0f/s", median(gets)))
await client.shutdown()

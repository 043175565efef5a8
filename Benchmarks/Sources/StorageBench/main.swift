// storage-bench: PipeStorage side by side with `cp`, and small-object throughput.
//
//     storage-bench large DIR [--mb 1024] [--rounds 3]
//     storage-bench small DIR [--count 2000] [--size 4096] [--concurrency 16]
//
// `large` writes a file of random bytes into DIR, then in alternating rounds copies it with `cp`, stores it with
// `putObject(fileAt:)` and reads it back with `downloadObject(to:)` (both through an embedded store in DIR, so every
// contender uses the same disk), and prints the medians, the ratios to `cp`, and the peak resident memory of this
// process during the library's transfers (sampled every 2 ms from /proc/self/statm).
//
// `small` stores and reads back `count` objects of `size` bytes, one at a time and `concurrency` at a time, with the
// read cache off and on, and prints operations per second.
import Foundation
import PipeCore
import PipeStorage
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: storage-bench large|small DIR [options]\n".utf8))
    exit(2)
}
let mode = arguments[1]
let directory = arguments[2]
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1])
    else { return fallback }
    return value
}

let owner = Principal(id: try UserID("bench"))

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Peak resident memory while `body` runs, sampled from /proc/self/statm.
final class ResidentMemory: Sendable {
    private let peak = Atomic<Int>(0)
    private let running = Atomic<Bool>(false)
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    static func current() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * pageSize : 0
    }

    func measure<T>(_ body: () async throws -> T) async rethrows -> (T, Int) {
        peak.store(Self.current(), ordering: .relaxed)
        running.store(true, ordering: .relaxed)
        let thread = Thread { [self] in
            while running.load(ordering: .relaxed) {
                let now = Self.current()
                if now > peak.load(ordering: .relaxed) { peak.store(now, ordering: .relaxed) }
                usleep(2000)
            }
        }
        thread.start()
        let result = try await body()
        running.store(false, ordering: .relaxed)
        usleep(5000)
        return (result, peak.load(ordering: .relaxed))
    }
}

/// Flushes dirty pages left by the previous contender, so each one starts from the same clean state.
func settle() {
    sync()
    usleep(200_000)
}

/// `cp FROM TO`, or with `durable` `cp FROM TO && sync TO` (the copy is on disk when it returns, as a put is).
func runCp(_ from: String, _ to: String, durable: Bool = false) throws -> Double {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", durable ? "cp \"$0\" \"$1\" && sync \"$1\"" : "cp \"$0\" \"$1\"", from, to]
    let start = ContinuousClock.now
    try process.run()
    process.waitUntilExit()
    let elapsed = seconds(ContinuousClock.now - start)
    guard process.terminationStatus == 0 else { fatalError("cp failed") }
    return elapsed
}

func makeRandomFile(_ path: String, bytes: Int) throws {
    if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
        (attributes[.size] as? Int) == bytes
    {
        return
    }
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var chunk = [UInt64](repeating: 0, count: 1 << 17)  // 1 MiB
    for _ in 0..<(bytes >> 20) {
        for index in chunk.indices {  // xorshift: incompressible enough, and fast
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            chunk[index] = state
        }
        try chunk.withUnsafeBytes { try handle.write(contentsOf: Data($0)) }
    }
    try handle.close()
}

func large() async throws {
    let megabytes = option("--mb", 1024)
    let rounds = option("--rounds", 3)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let source = directory + "/source.bin"
    try makeRandomFile(source, bytes: megabytes << 20)
    let storeDirectory = directory + "/store"
    try? FileManager.default.removeItem(atPath: storeDirectory)
    var configuration = StorageConfiguration()
    configuration.cacheCapacity = 0
    let storage = try await StorageService.embedded(directory: storeDirectory, configuration: configuration)
    let plain = try BucketName("plain")
    let encrypted = try BucketName("encrypted")
    _ = try await storage.createBucket(plain, as: owner)
    _ = try await storage.createBucket(encrypted, options: BucketOptions(encryptedAtRest: true), as: owner)
    let key = try ObjectKey("large.bin")
    let memory = ResidentMemory()
    var cp: [Double] = []
    var cpDurable: [Double] = []
    var put: [Double] = []
    var get: [Double] = []
    var putEncrypted: [Double] = []
    var getEncrypted: [Double] = []
    var peakRSS = 0
    var peaks: [String: Int] = [:]
    let baseline = ResidentMemory.current()
    let copy = directory + "/copy.bin"
    for round in 1...rounds {
        try? FileManager.default.removeItem(atPath: copy)
        settle()
        cp.append(try runCp(source, copy))
        try FileManager.default.removeItem(atPath: copy)
        settle()
        cpDurable.append(try runCp(source, copy, durable: true))
        try FileManager.default.removeItem(atPath: copy)
        for (bucket, puts, gets) in [(plain, 0, 0), (encrypted, 1, 1)] {
            settle()
            var start = ContinuousClock.now
            let (_, putPeak) = try await memory.measure {
                try await storage.putObject(
                    fileAt: URL(fileURLWithPath: source), in: bucket, at: key, options: PutObjectOptions(upsert: true),
                    as: owner)
            }
            let putTime = seconds(ContinuousClock.now - start)
            settle()
            start = ContinuousClock.now
            let (_, getPeak) = try await memory.measure {
                try await storage.downloadObject(in: bucket, at: key, to: URL(fileURLWithPath: copy), as: owner)
            }
            let getTime = seconds(ContinuousClock.now - start)
            try FileManager.default.removeItem(atPath: copy)
            peakRSS = max(peakRSS, putPeak, getPeak)
            let name = puts == 0 ? "plain" : "encrypted"
            peaks["put " + name] = max(peaks["put " + name] ?? 0, putPeak)
            peaks["get " + name] = max(peaks["get " + name] ?? 0, getPeak)
            if puts == 0 { put.append(putTime) } else { putEncrypted.append(putTime) }
            if gets == 0 { get.append(getTime) } else { getEncrypted.append(getTime) }
        }
        print(
            String(
                format: "round %d: cp %.2fs  cp+sync %.2fs  put %.2fs  get %.2fs  put(encrypted) %.2fs  "
                    + "get(encrypted) %.2fs", round, cp.last!, cpDurable.last!, put.last!, get.last!, putEncrypted.last!, getEncrypted.last!))
    }
    let size = Double(megabytes << 20)
    func rate(_ time: Double) -> String { String(format: "%.0f MiB/s", size / time / 1_048_576) }
    print("")
    print("medians over \(rounds) rounds, \(megabytes) MiB:")
    print("  cp              \(String(format: "%.2f", median(cp)))s  \(rate(median(cp)))")
    print("  cp + sync       \(String(format: "%.2f", median(cpDurable)))s  \(rate(median(cpDurable)))")
    for (name, times) in [("put", put), ("get", get), ("put encrypted", putEncrypted), ("get encrypted", getEncrypted)] {
        print(
            "  \(name.padding(toLength: 16, withPad: " ", startingAt: 0))\(String(format: "%.2f", median(times)))s  "
                + "\(rate(median(times)))  = \(String(format: "%.2f", median(cp) / median(times)))x cp, "
                + "\(String(format: "%.2f", median(cpDurable) / median(times)))x cp + sync")
    }
    print(
        "peak resident memory during the transfers: \(peakRSS >> 20) MiB "
            + "(\((peakRSS - baseline) >> 20) MiB above the \(baseline >> 20) MiB before them); by operation: "
            + peaks.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value >> 20) MiB" }.joined(separator: ", "))
}

func small() async throws {
    let count = option("--count", 2000)
    let size = option("--size", 4096)
    let concurrency = option("--concurrency", 16)
    for cache in [false, true] {
        let storeDirectory = directory + "/small-\(cache)"
        try? FileManager.default.removeItem(atPath: storeDirectory)
        var configuration = StorageConfiguration()
        configuration.cacheCapacity = cache ? 64 << 20 : 0
        let storage = try await StorageService.embedded(directory: storeDirectory, configuration: configuration)
        let bucket = try BucketName("small")
        _ = try await storage.createBucket(bucket, as: owner)
        let payload = [UInt8](repeating: 0x5A, count: size)
        let keys = try (0..<count).map { try ObjectKey("objects/\($0)") }

        var start = ContinuousClock.now
        for key in keys.prefix(count / 2) {
            try await storage.putObject(payload, in: bucket, at: key, as: owner)
        }
        let sequentialPut = Double(count / 2) / seconds(ContinuousClock.now - start)
        start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            let remaining = Array(keys[(count / 2)...])
            let stride = (remaining.count + concurrency - 1) / concurrency
            for worker in 0..<concurrency {
                let slice = remaining.dropFirst(worker * stride).prefix(stride)
                group.addTask {
                    for key in slice { try await storage.putObject(payload, in: bucket, at: key, as: owner) }
                }
            }
            try await group.waitForAll()
        }
        let concurrentPut = Double(count - count / 2) / seconds(ContinuousClock.now - start)

        start = ContinuousClock.now
        for key in keys { _ = try await storage.getObject(in: bucket, at: key, as: owner) }
        let sequentialGet = Double(count) / seconds(ContinuousClock.now - start)
        start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            let stride = (keys.count + concurrency - 1) / concurrency
            for worker in 0..<concurrency {
                let slice = keys.dropFirst(worker * stride).prefix(stride)
                group.addTask { for key in slice { _ = try await storage.getObject(in: bucket, at: key, as: owner) } }
            }
            try await group.waitForAll()
        }
        let concurrentGet = Double(count) / seconds(ContinuousClock.now - start)
        print(
            String(
                format: "%d B objects, cache %@: put %.0f/s (1 at a time), %.0f/s (%d at a time); "
                    + "get %.0f/s (1 at a time), %.0f/s (%d at a time)",
                size, cache ? "on " : "off", sequentialPut, concurrentPut, concurrency, sequentialGet, concurrentGet,
                concurrency))
        try? FileManager.default.removeItem(atPath: storeDirectory)
    }
}

/// Only puts and gets of the large file, for profiling (`perf record storage-bench profile DIR`).
func profile() async throws {
    let megabytes = option("--mb", 1024)
    let source = directory + "/source.bin"
    try makeRandomFile(source, bytes: megabytes << 20)
    try? FileManager.default.removeItem(atPath: directory + "/profile")
    var configuration = StorageConfiguration()
    configuration.cacheCapacity = 0
    let storage = try await StorageService.embedded(directory: directory + "/profile", configuration: configuration)
    let bucket = try BucketName("plain")
    let encrypted = arguments.contains("--encrypted")
    _ = try await storage.createBucket(bucket, options: BucketOptions(encryptedAtRest: encrypted), as: owner)
    for _ in 0..<option("--rounds", 3) {
        settle()
        var start = ContinuousClock.now
        try await storage.putObject(
            fileAt: URL(fileURLWithPath: source), in: bucket, at: try ObjectKey("f"), options: PutObjectOptions(upsert: true),
            as: owner)
        let put = seconds(ContinuousClock.now - start)
        settle()
        start = ContinuousClock.now
        try await storage.downloadObject(in: bucket, at: try ObjectKey("f"), to: URL(fileURLWithPath: directory + "/p.bin"), as: owner)
        let get = seconds(ContinuousClock.now - start)
        try FileManager.default.removeItem(atPath: directory + "/p.bin")
        print(String(format: "put %.2fs get %.2fs", put, get))
    }
}

switch mode {
case "profile": try await profile()
case "large": try await large()
case "small": try await small()
default:
    FileHandle.standardError.write(Data("unknown mode \(mode)\n".utf8))
    exit(2)
}

// http-bench: PipeHTTP (libcurl) side by side with async-http-client, against the same server.
//
//     http-bench small URL [--requests N] [--concurrency C]   keep-alive GETs per second, both clients
//     http-bench large URL                                      one large download to /dev/null, MB/s
//     http-bench large-stream URL                               the same, read through the body sequence
//
// `small` runs each client in turn (a warm-up round first, so both start with open connections) and
// prints `pipe<TAB>req/s` and `ahc<TAB>req/s`. `large` prints `pipe<TAB>MB/s`; scripts/compare-http.sh
// times the curl tool on the same URL.
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PipeCore
import PipeHTTP

struct Options {
    var mode = "small"
    var url = ""
    var requests = 20_000
    var concurrency = 32
    var receiveBuffer = CurlHTTPClient.Configuration().receiveBufferBytes
    var onlyPipe = false
    var rounds = 3

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        guard let mode = rest.popFirst(), let url = rest.popFirst() else { throw Usage() }
        self.mode = mode
        self.url = url
        while let flag = rest.popFirst() {
            if flag == "--only-pipe" {
                onlyPipe = true
                continue
            }
            guard let value = rest.popFirst(), let number = Int(value), number > 0 else { throw Usage() }
            switch flag {
            case "--requests": requests = number
            case "--concurrency": concurrency = number
            case "--receive-buffer": receiveBuffer = number
            case "--rounds": rounds = number
            default: throw Usage()
            }
        }
    }

    struct Usage: Error, CustomStringConvertible {
        var description: String {
            "usage: http-bench small|large|large-stream URL [--requests N] [--concurrency C] [--receive-buffer BYTES]"
        }
    }
}

/// Runs `total` calls of `call`, `concurrency` at a time; returns calls per second.
func rate(total: Int, concurrency: Int, _ call: @escaping @Sendable () async throws -> Void) async throws -> Double {
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        var started = 0
        for _ in 0..<min(concurrency, total) {
            group.addTask { try await call() }
            started += 1
        }
        while try await group.next() != nil {
            if started < total {
                group.addTask { try await call() }
                started += 1
            }
        }
    }
    let elapsed = ContinuousClock.now - start
    return Double(total) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

func small(_ options: Options) async throws {
    let url = URL(string: options.url)!
    var configuration = CurlHTTPClient.Configuration()
    configuration.maxConnectionsPerHost = options.concurrency
    configuration.receiveBufferBytes = options.receiveBuffer
    let pipe = try CurlHTTPClient(configuration: configuration)
    defer { pipe.shutdown() }
    let request = HTTPRequest(url: url)
    let pipeCall: @Sendable () async throws -> Void = {
        let response = try await pipe.send(request)
        guard response.status == 200 else { throw Options.Usage() }
    }

    var ahcConfiguration = HTTPClient.Configuration()
    ahcConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = options.concurrency
    let ahc = HTTPClient(eventLoopGroupProvider: .singleton, configuration: ahcConfiguration)
    let urlString = options.url
    let ahcCall: @Sendable () async throws -> Void = {
        let response = try await ahc.execute(HTTPClientRequest(url: urlString), timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        guard response.status.code == 200 else { throw Options.Usage() }
    }

    // Warm both (connections open), then alternate rounds so drift on the machine hits both alike;
    // report each client's median round.
    _ = try await rate(total: options.concurrency * 10, concurrency: options.concurrency, pipeCall)
    if !options.onlyPipe {
        _ = try await rate(total: options.concurrency * 10, concurrency: options.concurrency, ahcCall)
    }
    var pipeRates: [Double] = []
    var ahcRates: [Double] = []
    for _ in 0..<options.rounds {
        pipeRates.append(try await rate(total: options.requests, concurrency: options.concurrency, pipeCall))
        if !options.onlyPipe {
            ahcRates.append(try await rate(total: options.requests, concurrency: options.concurrency, ahcCall))
        }
    }
    print("pipe\t\(String(format: "%.0f", median(pipeRates)))")
    if !options.onlyPipe { print("ahc\t\(String(format: "%.0f", median(ahcRates)))") }
    try await ahc.shutdown()
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

func large(_ options: Options) async throws {
    var configuration = CurlHTTPClient.Configuration()
    configuration.requestTimeout = nil
    configuration.receiveBufferBytes = options.receiveBuffer
    let pipe = try CurlHTTPClient(configuration: configuration)
    defer { pipe.shutdown() }
    let start = ContinuousClock.now
    var bytes = 0
    if options.mode == "large" {
        // Like `curl -o /dev/null`: the body goes from libcurl's buffer straight to a file.
        let sink = open("/dev/null", O_WRONLY)
        defer { close(sink) }
        let progress = ByteCounter()
        let response = try await pipe.download(
            HTTPRequest(url: URL(string: options.url)!), into: sink, progress: { progress.set($0.bytesReceived) })
        guard response.status == 200 else { throw Options.Usage() }
        bytes = Int(progress.value)
    } else {
        // Streamed into memory through the body's AsyncSequence.
        let response = try await pipe.execute(HTTPRequest(url: URL(string: options.url)!))
        for try await chunk in response.body { bytes += chunk.count }
    }
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print("pipe\t\(String(format: "%.1f", Double(bytes) / 1e6 / seconds))\t\(bytes)")
}

do {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    switch options.mode {
    case "small": try await small(options)
    case "large", "large-stream": try await large(options)
    default: throw Options.Usage()
    }
} catch {
    FileHandle.standardError.write(Data("http-bench: \(error)\n".utf8))
    exit(1)
}

/// The latest byte count reported by a progress callback.
final class ByteCounter: @unchecked Sendable {
    // @unchecked Sendable: `stored` is read and written only under `lock`.
    private let lock = NSLock()
    private var stored: Int64 = 0
    func set(_ value: Int64) { lock.withLock { stored = value } }
    var value: Int64 { lock.withLock { stored } }
}

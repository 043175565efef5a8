import Foundation
import PipeClient
import PipeCore
import PipeHTTP
import PipeServer
import Testing

/// Job event streams hold their connection while a job waits; they must not take the connections API calls use.
@Suite("Remote job event streams", .serialized)
struct EventStreamTests {
    @Test("following more jobs than the client has API connections holds no call up")
    func streamsDoNotStarveCalls() async throws {
        // No workers: the jobs stay queued, and their streams stay open.
        try await ClientFixture.with(.remote, configure: { $0.database.workers = false }) { fixture in
            let client = try await fixture.newRemoteClient(.apiKey(fixture.adminKey), options: {
                var options = PipeClient.RemoteOptions()
                options.http.maxConnectionsPerHost = 2
                options.http.requestTimeout = .seconds(5)
                options.retry = .never
                return options
            }())
            defer { Task { await client.shutdown() } }
            var streams: [AsyncThrowingStream<JobEvent, any Error>.AsyncIterator] = []
            for n in 0..<4 {
                let job = try await client.jobs.submit(ParityTests.definition, input: [["n": .int(n)]], idempotencyKey: nil)
                var events = try await client.jobs.events(job.id).makeAsyncIterator()
                #expect(try await events.next() == .state(.queued))
                streams.append(events)
            }
            // Four streams are open on a client allowed two API connections: calls still go through at once.
            for _ in 0..<5 { _ = try await client.storage.listBuckets() }
            let job = try await client.jobs.submit(ParityTests.definition, input: [["n": 9]], idempotencyKey: nil)
            #expect(try await client.jobs.job(job.id).state == .queued)
            streams.removeAll()
        }
    }

    @Test("a graceful shutdown ends open event streams instead of waiting for their jobs")
    func shutdownEndsStreams() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-events-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await TestServer.start(directory) { $0.database.workers = false }
        let client = try await PipeClient.remote(
            URL(string: "http://127.0.0.1:\(server.port)")!, credentials: .apiKey(try #require(server.adminKey)))
        let job = try await client.jobs.submit(ParityTests.definition, input: [["n": 1]], idempotencyKey: nil)
        var events = try await client.jobs.events(job.id).makeAsyncIterator()
        #expect(try await events.next() == .state(.queued))
        // The job never runs, yet the server stops without being cancelled: the stream ended.
        #expect(await server.stop(), "the graceful shutdown finished on its own")
        // The client follows the job again, finds no server, and says so.
        await #expect(throws: PipeError.self) { _ = try await events.next() }
        await client.shutdown()
    }
}

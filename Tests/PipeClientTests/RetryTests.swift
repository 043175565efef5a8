import Foundation
import PipeClient
import PipeCore
import PipeServer
import Testing

/// Retries against a real server whose rate limit answers 429 with `Retry-After`.
@Suite("Remote retries", .serialized)
struct RetryTests {
    /// One request per second: the second within the second is refused with `Retry-After: 1`.
    static func strict(_ configuration: inout ServerConfiguration) {
        configuration.rateLimits.default = RateLimitPolicy(name: "default", limit: 1, window: 1)
    }

    @Test("a repeatable request refused with 429 is sent again after Retry-After and succeeds")
    func retriesAfter429() async throws {
        try await ClientFixture.with(.remote, configure: Self.strict) { fixture in
            let patient = fixture.client
            let impatient = try await fixture.newRemoteClient(.apiKey(fixture.adminKey), options: {
                var options = PipeClient.RemoteOptions()
                options.retry = .never
                return options
            }())
            _ = try await patient.storage.listBuckets()
            #expect(await ParityTests.code { _ = try await impatient.storage.listBuckets() } == "rate_limited")
            _ = try await patient.storage.listBuckets()  // refused at first, then let through after a second
        }
    }

    @Test("a POST is retried only with an idempotency key")
    func postsNeedAKey() async throws {
        try await ClientFixture.with(.remote, configure: Self.strict) { fixture in
            let jobs = fixture.client.jobs
            _ = try await fixture.client.storage.listBuckets()
            #expect(
                await ParityTests.code { _ = try await jobs.submit(ParityTests.definition, input: [["n": 1]], idempotencyKey: nil) }
                    == "rate_limited")
            try await Task.sleep(for: .milliseconds(1100))
            _ = try await fixture.client.storage.listBuckets()
            let job = try await jobs.submit(ParityTests.definition, input: [["n": 1]], idempotencyKey: "keyed")
            #expect(job.pipeline.rawValue == "double")
        }
    }
}

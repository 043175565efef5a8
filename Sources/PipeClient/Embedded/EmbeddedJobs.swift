import PipeCore
import PipePipeline

/// ``JobService`` in-process: PipePipeline's job runner and registry, as the client's current caller.
struct EmbeddedJobs: JobService {
    let jobs: PipelineJobs
    let registry: any PipelineRegistry
    let caller: EmbeddedCaller

    func submit(_ definition: JSONValue, input: [JSONValue]?, idempotencyKey: String?) async throws(PipeError) -> Job {
        try await jobs.submit(
            try PipelineDefinition.decode(definition), input: input, idempotencyKey: idempotencyKey,
            as: try await caller.principal())
    }

    func run(_ name: PipelineName, version: Int?, input: [JSONValue]?, idempotencyKey: String?) async throws(PipeError)
        -> Job
    {
        try await jobs.run(
            name, version: version, input: input, idempotencyKey: idempotencyKey, from: registry,
            as: try await caller.principal())
    }

    func job(_ id: JobID) async throws(PipeError) -> Job {
        try await jobs.job(id, as: try await caller.principal())
    }

    func jobs(state: JobState?, pipeline: PipelineID?, limit: Int, cursor: String?) async throws(PipeError) -> Page<Job> {
        var filter = JobFilter()
        filter.state = state
        filter.pipeline = pipeline
        let principal = try await caller.principal()
        guard let principal else { throw PipeError(.unauthenticated, "sign in or send an API key") }
        return try await jobs.jobs(matching: filter, limit: limit, cursor: cursor, as: principal)
    }

    func cancel(_ id: JobID) async throws(PipeError) -> Job {
        try await jobs.cancel(id, as: try await caller.principal())
    }

    func result(_ id: JobID) async throws(PipeError) -> JobResult {
        let principal = try await caller.principal()
        let job = try await jobs.job(id, as: principal)
        // As the gateway answers: a result exists once the job has ended.
        guard job.state.isTerminal else {
            throw PipeError(
                .conflict, "job \(id) is \(job.state.rawValue); its result is not ready", details: ["state": job.state.rawValue])
        }
        let result = try await jobs.result(id, as: principal)
        // Code and message only, as the gateway reports a failure.
        return JobResult(job: result.job, records: result.records, error: result.error.map { PipeError($0.code, $0.message) })
    }

    func events(_ id: JobID) async throws(PipeError) -> AsyncThrowingStream<JobEvent, any Error> {
        .forwarding(try await jobs.events(id, as: try await caller.principal()))
    }
}

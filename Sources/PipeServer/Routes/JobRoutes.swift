import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PipeCore
import PipePipeline

/// `/v1/jobs…`: run a pipeline definition as a job, follow it (state, and live events as Server-Sent Events), read
/// its result, cancel it. Jobs belong to the account that submitted them; everyone else is told they do not exist.
struct JobRoutes {
    let jobs: PipelineJobs
    let configuration: ServerConfiguration

    static let idempotencyHeader = HTTPField.Name("Idempotency-Key")!
    /// Definitions with their input records can be larger than other JSON bodies.
    static let maxSubmissionBytes = 4 << 20

    func add(to router: Router<PipeRequestContext>) {
        let group = router.group("v1/jobs")
        group.post { request, context in try await submit(request, context) }
        group.get { request, context in try await list(request, context) }
        group.get(":job") { _, context in try await job(context) }
        group.get(":job/result") { _, context in try await result(context) }
        group.get(":job/events") { _, context in try await events(context) }
        group.post(":job/cancel") { _, context in try await cancel(context) }
    }

    func submit(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        let body = try await request.jsonObject(limit: max(configuration.maxJSONBodyBytes, Self.maxSubmissionBytes))
        try body.onlyFields(["definition", "input"])
        guard let definitionJSON = body["definition"] else {
            throw PipeError(.invalidArgument, "definition is required", details: ["field": "definition"])
        }
        let definition = try PipelineDefinition.decode(definitionJSON)
        let job = try await jobs.submit(
            definition, input: try body.records("input"), idempotencyKey: request.headers[Self.idempotencyHeader], as: principal)
        return JSONResponse.make(Self.json(job), status: 202)
    }

    /// The caller's jobs, newest first, filtered by `state` and `pipeline`.
    func list(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let (limit, cursor) = try request.page()
        let query = request.uri.queryParameters
        var filter = JobFilter()
        if let state = query.get("state") {
            guard let value = JobState(rawValue: state) else {
                throw PipeError(
                    .invalidArgument, "state must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))",
                    details: ["field": "state"])
            }
            filter.state = value
        }
        filter.pipeline = try query.get("pipeline").map { name throws(PipeError) in try PipelineID(name) }
        let page = try await jobs.jobs(matching: filter, limit: limit, cursor: cursor, as: try context.requirePrincipal())
        return JSONResponse.page("jobs", page, Self.json)
    }

    func job(_ context: PipeRequestContext) async throws(PipeError) -> Response {
        JSONResponse.make(Self.json(try await jobs.job(try context.jobID(), as: context.principal)))
    }

    func cancel(_ context: PipeRequestContext) async throws(PipeError) -> Response {
        JSONResponse.make(Self.json(try await jobs.cancel(try context.jobID(), as: context.principal)))
    }

    /// A finished job's result; `conflict` while it is still queued or running (follow its events to know when).
    func result(_ context: PipeRequestContext) async throws(PipeError) -> Response {
        let id = try context.jobID()
        let job = try await jobs.job(id, as: context.principal)
        guard job.state.isTerminal else {
            throw PipeError(.conflict, "job \(id) is \(job.state.rawValue); its result is not ready", details: ["state": job.state.rawValue])
        }
        let result = try await jobs.result(id, as: context.principal)
        var members: [(String, JSONValue)] = [("job", Self.json(result.job)), ("records", .array(result.records))]
        if let error = result.error {
            members.append(("error", ["code": .string(error.code.rawValue), "message": .string(error.message)]))
        }
        return JSONResponse.make(.object(JSONObject(members)))
    }

    /// Server-Sent Events: the job's current state first, then each change and progress report, until it ends.
    func events(_ context: PipeRequestContext) async throws(PipeError) -> Response {
        let stream = try await jobs.events(try context.jobID(), as: context.principal)
        let messages = stream.map { @Sendable event in ByteBuffer(string: Self.serverSentEvent(event)) }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody(asyncSequence: ServerSentEventStream.body(messages)))
    }

    static func serverSentEvent(_ event: JobEvent) -> String {
        var writer = JSONWriter(capacity: 64)
        switch event {
        case .state(let state):
            writer.write(["state": .string(state.rawValue)])
            return "event: state\ndata: \(String(decoding: writer.bytes, as: UTF8.self))\n\n"
        case .progress(let read, let written):
            writer.write(["read": .number(.int(Int64(read))), "written": .number(.int(Int64(written)))])
            return "event: progress\ndata: \(String(decoding: writer.bytes, as: UTF8.self))\n\n"
        }
    }

    static func json(_ job: Job) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(job.id.rawValue)), ("pipeline", .string(job.pipeline.rawValue)),
            ("state", .string(job.state.rawValue)), ("attempts", .number(.int(Int64(job.attempts)))),
            ("createdAt", .string(AuthRoutes.timestamp(job.createdAt))), ("updatedAt", .string(AuthRoutes.timestamp(job.updatedAt))),
        ]
        if let error = job.error { members.append(("error", .string(error))) }
        if let owner = job.owner { members.append(("owner", .string(owner.rawValue))) }
        return .object(JSONObject(members))
    }
}

extension PipeRequestContext {
    /// The `:job` path parameter, validated.
    func jobID() throws(PipeError) -> JobID {
        try JobID(parameters.get("job") ?? "")
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import PipeCore
import PipePipeline

/// `/v1/pipelines…`: register pipeline definitions under a name in numbered versions, read and list them, delete
/// them, and run one as a job. Each account has its own namespace: another account's pipelines do not exist for it.
struct PipelineRoutes {
    let registry: any PipelineRegistry
    let jobs: PipelineJobs
    let configuration: ServerConfiguration

    func add(to router: Router<PipeRequestContext>) {
        let group = router.group("v1/pipelines")
        group.get { request, context in try await list(request, context) }
        group.put(":pipeline") { request, context in try await register(request, context) }
        group.get(":pipeline") { _, context in try await latest(context) }
        group.delete(":pipeline") { _, context in try await delete(context) }
        group.get(":pipeline/versions") { request, context in try await versions(request, context) }
        group.get(":pipeline/versions/:version") { _, context in try await version(context) }
        group.post(":pipeline/runs") { request, context in try await run(request, context) }
    }

    /// Stores the definition as the next version (201), or answers with the latest version when it is unchanged (200).
    func register(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        let name = try context.pipelineName()
        let body = try await request.jsonObject(limit: configuration.maxJSONBodyBytes)
        try body.onlyFields(["definition"])
        guard let json = body["definition"] else {
            throw PipeError(.invalidArgument, "definition is required", details: ["field": "definition"])
        }
        let definition = try PipelineDefinition.decode(json)
        guard definition.name == name else {
            throw PipeError(
                .invalidArgument, "the definition is named \(definition.name), not \(name)", details: ["field": "definition.name"])
        }
        try jobs.checkRunnable(definition)
        let registration = try await registry.register(definition, as: principal)
        return JSONResponse.make(Self.json(registration.pipeline), status: registration.created ? 201 : 200)
    }

    func list(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let (limit, cursor) = try request.page()
        let page = try await registry.pipelines(limit: limit, cursor: cursor, as: try context.requirePrincipal())
        return JSONResponse.page("pipelines", page) { summary in
            [
                "name": .string(summary.name.rawValue), "latestVersion": .int(summary.latestVersion),
                "updatedAt": .string(AuthRoutes.timestamp(summary.updatedAt)),
            ]
        }
    }

    func latest(_ context: PipeRequestContext) async throws(PipeError) -> Response {
        let pipeline = try await registry.pipeline(try context.pipelineName(), version: nil, as: try context.requirePrincipal())
        return JSONResponse.make(Self.json(pipeline))
    }

    func version(_ context: PipeRequestContext) async throws(PipeError) -> Response {
        let name = try context.pipelineName()
        guard let text = context.parameters.get("version"), let number = Int(text), number >= 1 else {
            throw PipeError(.invalidArgument, "the version must be a whole number from 1", details: ["field": "version"])
        }
        return JSONResponse.make(Self.json(try await registry.pipeline(name, version: number, as: try context.requirePrincipal())))
    }

    func versions(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let (limit, cursor) = try request.page()
        let page = try await registry.versions(
            of: try context.pipelineName(), limit: limit, cursor: cursor, as: try context.requirePrincipal())
        return JSONResponse.page("versions", page) { item in
            ["version": .int(item.version), "createdAt": .string(AuthRoutes.timestamp(item.createdAt))]
        }
    }

    func delete(_ context: PipeRequestContext) async throws(PipeError) -> Response {
        try await registry.delete(try context.pipelineName(), as: try context.requirePrincipal())
        return JSONResponse.noContent()
    }

    /// Queues a run of the latest (or a pinned) version; `Idempotency-Key` makes retries return the first job.
    func run(_ request: Request, _ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        let name = try context.pipelineName()
        let body = try await request.jsonObject(limit: max(configuration.maxJSONBodyBytes, JobRoutes.maxSubmissionBytes))
        try body.onlyFields(["input", "version"])
        let job = try await jobs.run(
            name, version: try body.int("version", in: 1...Int(Int32.max)), input: try body.records("input"),
            idempotencyKey: request.headers[JobRoutes.idempotencyHeader], from: registry, as: principal)
        return JSONResponse.make(JobRoutes.json(job), status: 202)
    }

    static func json(_ pipeline: RegisteredPipeline) -> JSONValue {
        [
            "name": .string(pipeline.name.rawValue), "version": .int(pipeline.version),
            "owner": .string(pipeline.owner.rawValue), "createdAt": .string(AuthRoutes.timestamp(pipeline.createdAt)), "definition": pipeline.definition.json,
        ]
    }
}

extension PipeRequestContext {
    /// The `:pipeline` path parameter, validated.
    func pipelineName() throws(PipeError) -> PipelineName {
        try PipelineName(parameters.get("pipeline") ?? "")
    }
}

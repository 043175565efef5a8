import PipeCore
import PipePipeline

/// ``PipelineCatalog`` over a deployment's `/v1/pipelines` routes.
struct RemotePipelines: PipelineCatalog {
    let transport: RemoteTransport

    static func path(_ name: PipelineName) -> String { "/v1/pipelines/" + RemoteTransport.encode(name.rawValue) }

    func register(_ definition: PipelineDefinition) async throws(PipeError) -> PipelineRegistration {
        // A PUT: registering an unchanged definition again changes nothing, so it is retried like any PUT.
        let call = RemoteTransport.Call(.put, Self.path(definition.name), json: ["definition": definition.json])
        let response = try await transport.send(call)
        let value = try RemoteTransport.json(response, answering: call)
        return PipelineRegistration(pipeline: try WireFormat.pipeline(value), created: response.status == 201)
    }

    func pipeline(_ name: PipelineName, version: Int?) async throws(PipeError) -> RegisteredPipeline {
        if let version, version < 1 {
            throw PipeError(.invalidArgument, "the version must be a whole number from 1", details: ["field": "version"])
        }
        let path = Self.path(name) + (version.map { "/versions/\($0)" } ?? "")
        return try WireFormat.pipeline(try await transport.json(.init(.get, path)))
    }

    func pipelines(limit: Int, cursor: String?) async throws(PipeError) -> Page<PipelineSummary> {
        let path = "/v1/pipelines" + RemoteTransport.query([("limit", String(limit)), ("cursor", cursor)])
        return try WireFormat.page(try await transport.json(.init(.get, path)), "pipelines", WireFormat.pipelineSummary)
    }

    func versions(of name: PipelineName, limit: Int, cursor: String?) async throws(PipeError)
        -> Page<PipelineVersionSummary>
    {
        let path = Self.path(name) + "/versions" + RemoteTransport.query([("limit", String(limit)), ("cursor", cursor)])
        return try WireFormat.page(try await transport.json(.init(.get, path)), "versions", WireFormat.pipelineVersion)
    }

    func delete(_ name: PipelineName) async throws(PipeError) {
        _ = try await transport.send(.init(.delete, Self.path(name)))
    }
}

extension WireFormat {
    static func pipeline(_ value: JSONValue) throws(PipeError) -> RegisteredPipeline {
        let what = "pipeline"
        _ = try object(value, what)
        guard let version = value["version"]?.intValue, let definition = value["definition"] else { throw malformed(what) }
        return RegisteredPipeline(
            name: try PipelineName(try string(value, "name", what)), version: version,
            owner: try UserID(try string(value, "owner", what)), createdAt: try date(value, "createdAt", what),
            definition: try PipelineDefinition.decode(definition))
    }

    static func pipelineSummary(_ value: JSONValue) throws(PipeError) -> PipelineSummary {
        let what = "pipeline listing"
        guard let latest = value["latestVersion"]?.intValue else { throw malformed(what) }
        return PipelineSummary(
            name: try PipelineName(try string(value, "name", what)), latestVersion: latest,
            updatedAt: try date(value, "updatedAt", what))
    }

    static func pipelineVersion(_ value: JSONValue) throws(PipeError) -> PipelineVersionSummary {
        let what = "pipeline version"
        guard let version = value["version"]?.intValue else { throw malformed(what) }
        return PipelineVersionSummary(version: version, createdAt: try date(value, "createdAt", what))
    }
}

import PipeCore
import PipePipeline

/// ``PipelineCatalog`` in-process: PipePipeline's registry, as the client's current caller, with the gateway's check
/// that a definition can run here before it is stored.
struct EmbeddedPipelines: PipelineCatalog {
    let registry: any PipelineRegistry
    let jobs: PipelineJobs
    let caller: EmbeddedCaller

    func register(_ definition: PipelineDefinition) async throws(PipeError) -> PipelineRegistration {
        let principal = try await caller.principal()
        try jobs.checkRunnable(definition)
        return try await registry.register(definition, as: principal)
    }

    func pipeline(_ name: PipelineName, version: Int?) async throws(PipeError) -> RegisteredPipeline {
        if let version, version < 1 {
            throw PipeError(.invalidArgument, "the version must be a whole number from 1", details: ["field": "version"])
        }
        return try await registry.pipeline(name, version: version, as: try await caller.principal())
    }

    func pipelines(limit: Int, cursor: String?) async throws(PipeError) -> Page<PipelineSummary> {
        try await registry.pipelines(limit: limit, cursor: cursor, as: try await caller.principal())
    }

    func versions(of name: PipelineName, limit: Int, cursor: String?) async throws(PipeError)
        -> Page<PipelineVersionSummary>
    {
        try await registry.versions(of: name, limit: limit, cursor: cursor, as: try await caller.principal())
    }

    func delete(_ name: PipelineName) async throws(PipeError) {
        try await registry.delete(name, as: try await caller.principal())
    }
}

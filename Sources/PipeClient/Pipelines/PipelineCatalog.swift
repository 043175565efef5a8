import PipeCore
import PipePipeline

/// The signed-in account's registered pipelines: definitions stored under a name in numbered versions, which
/// `JobService.run(_:version:input:idempotencyKey:)` (``PipeClient/jobs``) runs as jobs.
///
/// Each account has its own namespace: another account's pipelines do not exist for it (`pipeline_not_found`).
/// Both modes check a definition the same way before storing it, so one that could not run as a job is refused with
/// `invalid_pipeline` when it is registered, not when it is first run.
///
/// ```swift
/// let definition = try PipelineDefinition.decode(json)
/// let registration = try await pipe.pipelines.register(definition)     // version 1, or the same version again
/// let job = try await pipe.jobs.run(definition.name, version: nil, input: records, idempotencyKey: nil)
/// ```
public protocol PipelineCatalog: Sendable {
    /// Stores `definition` as the next version of its name; when it equals the latest version, nothing is stored and
    /// that version is returned with `PipelineRegistration.created` `false`.
    ///
    /// - Throws: `invalid_pipeline` for a definition that cannot run as a job; `limit_exceeded` past the
    ///   deployment's limits on pipelines and versions; `unauthenticated` without a signed-in caller.
    func register(_ definition: PipelineDefinition) async throws(PipeError) -> PipelineRegistration

    /// A version of the pipeline named `name` (`nil`: the latest).
    ///
    /// - Throws: `pipeline_not_found`.
    func pipeline(_ name: PipelineName, version: Int?) async throws(PipeError) -> RegisteredPipeline

    /// The account's pipelines by name, a page at a time (`limit` 1…1000; `cursor` from the previous page).
    func pipelines(limit: Int, cursor: String?) async throws(PipeError) -> Page<PipelineSummary>

    /// The versions of the pipeline named `name`, newest first, a page at a time.
    ///
    /// - Throws: `pipeline_not_found`.
    func versions(of name: PipelineName, limit: Int, cursor: String?) async throws(PipeError)
        -> Page<PipelineVersionSummary>

    /// Deletes the pipeline named `name` with all its versions. Jobs already submitted keep the definition they run.
    ///
    /// - Throws: `pipeline_not_found`.
    func delete(_ name: PipelineName) async throws(PipeError)
}

extension PipelineCatalog {
    /// Every pipeline of the account, following the pages.
    public func allPipelines() async throws(PipeError) -> [PipelineSummary] {
        var all: [PipelineSummary] = []
        var cursor: String? = nil
        repeat {
            let page = try await pipelines(limit: 1000, cursor: cursor)
            all += page.items
            cursor = page.nextCursor
        } while cursor != nil
        return all
    }
}

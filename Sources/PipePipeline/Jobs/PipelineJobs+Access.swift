import PipeCore

/// The principal-checked calls: what a gateway or a client library offers to accounts.
///
/// Access is decided by `AccessPolicy`, the same evaluation storage uses:
/// - any signed-in principal may run pipelines (`run` on the pipeline), unless its token's scopes leave out
///   `pipelines:run`;
/// - a job belongs to the account that submitted it: it and admins may see, follow and cancel it (`read`, `write`
///   on the job; scopes `pipelines:read`, `pipelines:write`); anyone else is told there is no such job.
///
/// Idempotency keys are scoped per account, so two accounts using the same key get two jobs.
extension PipelineJobs {
    /// Submits `definition` as `principal` (see ``submit(_:input:idempotencyKey:)``).
    ///
    /// - Parameters:
    ///   - definition: the pipeline to run.
    ///   - input: records for a `caller` source.
    ///   - idempotencyKey: 1–256 bytes; the same key from the same account returns the first job.
    ///   - principal: the caller.
    /// - Throws: `unauthenticated` without a principal; `forbidden` when its scopes do not allow running pipelines;
    ///   what ``submit(_:input:idempotencyKey:)`` throws.
    public func submit(
        _ definition: PipelineDefinition, input: [JSONValue]? = nil, idempotencyKey: String? = nil,
        as principal: Principal?
    ) async throws(PipeError) -> Job {
        let (owner, key) = try authorizeRun(definition.name, idempotencyKey: idempotencyKey, as: principal)
        return try await Self.submit(
            definition, input: input, idempotencyKey: key, owner: owner, to: queue, transforms: environment.transforms)
    }

    /// Runs a version of a registered pipeline as `principal` (see ``submit(_:input:idempotencyKey:as:)``).
    ///
    /// - Parameters:
    ///   - name: the pipeline, in the caller's namespace of `registry`.
    ///   - version: the version; `nil` for the latest.
    ///   - input: records for a `caller` source.
    ///   - idempotencyKey: 1–256 bytes; the same key from the same account with the same name, version and input
    ///     returns the first job, even when a newer version was registered since.
    ///   - registry: where the definition is registered.
    ///   - principal: the caller.
    /// - Throws: `pipeline_not_found`; what ``submit(_:input:idempotencyKey:as:)`` throws.
    public func run(
        _ name: PipelineName, version: Int? = nil, input: [JSONValue]? = nil, idempotencyKey: String? = nil,
        from registry: any PipelineRegistry, as principal: Principal?
    ) async throws(PipeError) -> Job {
        let (owner, key) = try authorizeRun(name, idempotencyKey: idempotencyKey, as: principal)
        let registered = try await registry.pipeline(name, version: version, owner: owner)
        return try await Self.submit(
            registered.definition, input: input, idempotencyKey: key, owner: owner, registered: (name, version),
            to: queue, transforms: environment.transforms)
    }

    /// The submitting account and its account-scoped idempotency key, once the caller may run `name`.
    private func authorizeRun(_ name: PipelineName, idempotencyKey: String?, as principal: Principal?)
        throws(PipeError) -> (UserID, String?)
    {
        guard let principal else { throw PipeError(.unauthenticated, "sign in to run pipelines") }
        guard AccessPolicy(owner: principal.id).allows(principal, .run, on: .pipeline(PipelineID(name: name)))
        else {
            throw PipeError(.forbidden, "the token's scopes do not allow running pipelines (pipelines:run)")
        }
        try Job.validate(idempotencyKey: idempotencyKey, limit: 256)
        return (principal.id, idempotencyKey.map { principal.id.rawValue + "/" + $0 })
    }

    /// The caller's own jobs that pass `filter` (its `owner` is replaced by the caller), newest first.
    ///
    /// - Parameters:
    ///   - filter: state and pipeline to match.
    ///   - limit: 1…`Paging.maxLimit` per page.
    ///   - cursor: the previous page's `nextCursor`.
    ///   - principal: the caller.
    /// - Throws: `unauthenticated`; `forbidden` when its scopes do not allow `pipelines:read`; `invalid_argument`
    ///   for a bad limit or cursor.
    public func jobs(matching filter: JobFilter, limit: Int, cursor: String?, as principal: Principal?)
        async throws(PipeError) -> Page<Job>
    {
        guard let principal else { throw PipeError(.unauthenticated, "sign in to list jobs") }
        guard principal.scopesAllow(.read, in: "pipelines") else {
            throw PipeError(.forbidden, "the token's scopes do not allow reading jobs (pipelines:read)")
        }
        var own = filter
        own.owner = principal.id
        return try await queue.jobs(matching: own, limit: limit, cursor: cursor)
    }

    /// A job's record, for its owner or an admin.
    ///
    /// - Parameters:
    ///   - id: the job.
    ///   - principal: the caller.
    /// - Throws: `job_not_found` when there is no such job or the caller may not see it.
    public func job(_ id: JobID, as principal: Principal?) async throws(PipeError) -> Job {
        try await authorizedJob(id, principal, .read)
    }

    /// A job's events (see ``events(_:)``), for its owner or an admin.
    ///
    /// - Parameters:
    ///   - id: the job.
    ///   - principal: the caller.
    /// - Throws: `job_not_found` when there is no such job or the caller may not see it.
    public func events(_ id: JobID, as principal: Principal?) async throws(PipeError) -> AsyncStream<JobEvent> {
        _ = try await authorizedJob(id, principal, .read)
        return await events(id)
    }

    /// Waits for a job's result (see ``result(_:)``), for its owner or an admin.
    ///
    /// - Parameters:
    ///   - id: the job.
    ///   - principal: the caller.
    /// - Throws: `job_not_found` when there is no such job or the caller may not see it.
    public func result(_ id: JobID, as principal: Principal?) async throws(PipeError) -> PipelineJobResult {
        _ = try await authorizedJob(id, principal, .read)
        return try await result(id)
    }

    /// Cancels a job (see ``cancel(_:)``), for its owner or an admin.
    ///
    /// - Parameters:
    ///   - id: the job.
    ///   - principal: the caller.
    /// - Throws: `job_not_found` when there is no such job or the caller may not see it; `forbidden` when it may
    ///   see the job but its token's scopes do not allow changing it.
    public func cancel(_ id: JobID, as principal: Principal?) async throws(PipeError) -> Job {
        _ = try await authorizedJob(id, principal, .write)
        return try await cancel(id)
    }

    private func authorizedJob(_ id: JobID, _ principal: Principal?, _ action: Action) async throws(PipeError) -> Job {
        let missing = PipeError(.jobNotFound, "no job \(id)")
        let job: Job
        do { job = try await queue.job(id) } catch where error.code == .jobNotFound { throw missing }
        let policy = AccessPolicy(owner: job.owner)
        guard policy.allows(principal, action, on: .job(id)) else {
            // A principal that may see the job but not change it learns it exists; others learn nothing.
            if action != .read, policy.allows(principal, .read, on: .job(id)) {
                throw PipeError(.forbidden, "the token's scopes do not allow changing jobs (pipelines:write)")
            }
            throw missing
        }
        return job
    }
}

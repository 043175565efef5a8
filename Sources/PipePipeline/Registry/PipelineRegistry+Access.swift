import PipeCore

/// The principal-checked calls: what a gateway or a client library offers to accounts.
///
/// Every account works in its own namespace, so the checks are who is calling and what its token's scopes allow:
/// `pipelines:read` to read and list, `pipelines:write` to register and delete (no scopes: everything).
extension PipelineRegistry {
    /// Registers `definition` in the caller's namespace (see ``register(_:owner:)``).
    ///
    /// - Parameters:
    ///   - definition: the definition.
    ///   - principal: the caller.
    /// - Throws: `unauthenticated`; `forbidden` without `pipelines:write`; what ``register(_:owner:)`` throws.
    public func register(_ definition: PipelineDefinition, as principal: Principal?) async throws(PipeError)
        -> PipelineRegistration
    {
        try await register(definition, owner: try Self.caller(principal, .write, definition.name))
    }

    /// A version of one of the caller's pipelines (`nil`: the latest).
    ///
    /// - Parameters:
    ///   - name: the pipeline.
    ///   - version: the version, or `nil` for the latest.
    ///   - principal: the caller.
    /// - Throws: `unauthenticated`; `forbidden` without `pipelines:read`; `pipeline_not_found`.
    public func pipeline(_ name: PipelineName, version: Int?, as principal: Principal?) async throws(PipeError)
        -> RegisteredPipeline
    {
        try await pipeline(name, version: version, owner: try Self.caller(principal, .read, name))
    }

    /// The caller's pipelines, by name (see ``pipelines(owner:limit:cursor:)``).
    ///
    /// - Parameters:
    ///   - limit: 1…1000 per page.
    ///   - cursor: the previous page's `nextCursor`.
    ///   - principal: the caller.
    public func pipelines(limit: Int, cursor: String?, as principal: Principal?) async throws(PipeError)
        -> Page<PipelineSummary>
    {
        try await pipelines(owner: try Self.caller(principal, .read, nil), limit: limit, cursor: cursor)
    }

    /// The versions of one of the caller's pipelines, newest first.
    ///
    /// - Parameters:
    ///   - name: the pipeline.
    ///   - limit: 1…1000 per page.
    ///   - cursor: the previous page's `nextCursor`.
    ///   - principal: the caller.
    public func versions(of name: PipelineName, limit: Int, cursor: String?, as principal: Principal?)
        async throws(PipeError) -> Page<PipelineVersionSummary>
    {
        try await versions(of: name, owner: try Self.caller(principal, .read, name), limit: limit, cursor: cursor)
    }

    /// Deletes one of the caller's pipelines with all its versions.
    ///
    /// - Parameters:
    ///   - name: the pipeline.
    ///   - principal: the caller.
    public func delete(_ name: PipelineName, as principal: Principal?) async throws(PipeError) {
        try await delete(name, owner: try Self.caller(principal, .write, name))
    }

    /// The namespace to act in: the caller's own, once its scopes allow `action`.
    static func caller(_ principal: Principal?, _ action: Action, _ name: PipelineName?) throws(PipeError) -> UserID {
        guard let principal else { throw PipeError(.unauthenticated, "sign in to manage pipelines") }
        guard principal.scopesAllow(action, in: "pipelines") else {
            throw PipeError(
                .forbidden, "the token's scopes do not allow this (pipelines:\(action.rawValue))",
                details: ["pipeline": name?.rawValue ?? ""])
        }
        return principal.id
    }
}

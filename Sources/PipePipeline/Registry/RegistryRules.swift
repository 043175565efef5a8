import PipeCore

/// What every ``PipelineRegistry`` backend decides the same way: which version a registration becomes, the account's
/// limits, and the not-found error.
package enum RegistryRules {
    /// The definition as it would be stored after `latest`: `nil` when it is unchanged (nothing is stored), else the
    /// definition numbered one past `latest`.
    ///
    /// - Throws: `limit_exceeded` when the pipeline already has `limits.maxVersions` versions.
    package static func successor(of latest: RegisteredPipeline, for definition: PipelineDefinition, limits: PipelineRegistryLimits)
        throws(PipeError) -> PipelineDefinition?
    {
        var stored = definition
        stored.version = latest.version
        if stored == latest.definition { return nil }
        guard latest.version < limits.maxVersions else {
            throw PipeError(
                .limitExceeded, "pipeline \(definition.name) has \(limits.maxVersions) versions already",
                details: ["limit": String(limits.maxVersions)])
        }
        stored.version = latest.version + 1
        return stored
    }

    /// The first version of a new pipeline, for an account that holds `count` pipelines.
    ///
    /// - Throws: `limit_exceeded` when the account already holds `limits.maxPipelines`.
    package static func first(_ definition: PipelineDefinition, accountHolds count: Int, limits: PipelineRegistryLimits)
        throws(PipeError) -> PipelineDefinition
    {
        guard count < limits.maxPipelines else {
            throw PipeError(
                .limitExceeded, "this account has \(limits.maxPipelines) pipelines already",
                details: ["limit": String(limits.maxPipelines)])
        }
        var stored = definition
        stored.version = 1
        return stored
    }

    /// `pipeline_not_found` for `name` (at `version`, when one was asked for).
    package static func notFound(_ name: PipelineName, version: Int? = nil) -> PipeError {
        PipeError(
            .pipelineNotFound, version.map { "pipeline \(name) has no version \($0)" } ?? "no pipeline \(name)",
            details: ["pipeline": name.rawValue])
    }
}

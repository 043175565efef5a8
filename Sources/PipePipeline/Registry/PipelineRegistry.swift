#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import PipeCore

/// Where pipeline definitions are registered under a name and kept in numbered versions, per account.
///
/// Each account has its own namespace: two accounts may both register `nightly-import`. Registering a definition
/// stores it as the next version of its name unless it equals the latest version, so re-registering the same file
/// (a deploy script run twice) adds nothing. The registry owns the version numbers: a stored definition's
/// ``PipelineDefinition/version`` is the number it was stored as.
///
/// ```swift
/// let registration = try await registry.register(definition, owner: alice.id)
/// let latest = try await registry.pipeline(definition.name, version: nil, owner: alice.id)
/// ```
public protocol PipelineRegistry: Sendable {
    /// Stores `definition` as the next version of its name, or returns the latest version when they are equal.
    ///
    /// - Throws: `limit_exceeded` past ``PipelineRegistryLimits``.
    func register(_ definition: PipelineDefinition, owner: UserID) async throws(PipeError) -> PipelineRegistration

    /// A version of a pipeline (`nil`: the latest).
    ///
    /// - Throws: `pipeline_not_found`.
    func pipeline(_ name: PipelineName, version: Int?, owner: UserID) async throws(PipeError) -> RegisteredPipeline

    /// The account's pipelines, by name, a page at a time.
    ///
    /// - Throws: `invalid_argument` for a limit outside 1…1000 or a cursor no listing returned.
    func pipelines(owner: UserID, limit: Int, cursor: String?) async throws(PipeError) -> Page<PipelineSummary>

    /// A pipeline's versions, newest first, a page at a time.
    ///
    /// - Throws: `pipeline_not_found`; `invalid_argument` for a bad limit or cursor.
    func versions(of name: PipelineName, owner: UserID, limit: Int, cursor: String?) async throws(PipeError)
        -> Page<PipelineVersionSummary>

    /// Deletes a pipeline with all its versions. Jobs already submitted keep the definition they run.
    ///
    /// - Throws: `pipeline_not_found`.
    func delete(_ name: PipelineName, owner: UserID) async throws(PipeError)
}

/// How much one account may keep in a registry.
public struct PipelineRegistryLimits: Sendable, Hashable {
    /// The most pipelines (names) per account.
    public var maxPipelines: Int
    /// The most versions kept per pipeline.
    public var maxVersions: Int

    /// Limits; the defaults are far above what a team writes by hand and far below what would hurt the store.
    public init(maxPipelines: Int = 10_000, maxVersions: Int = 10_000) {
        self.maxPipelines = maxPipelines
        self.maxVersions = maxVersions
    }
}

/// A stored version of a pipeline definition.
public struct RegisteredPipeline: Sendable, Hashable {
    /// The pipeline's name (the definition's).
    public var name: PipelineName
    /// The version number, from 1, assigned by the registry.
    public var version: Int
    /// The account whose namespace holds it.
    public var owner: UserID
    /// When this version was stored.
    public var createdAt: Date
    /// The definition; its ``PipelineDefinition/version`` is ``version``.
    public var definition: PipelineDefinition

    /// A stored version.
    public init(name: PipelineName, version: Int, owner: UserID, createdAt: Date, definition: PipelineDefinition) {
        self.name = name
        self.version = version
        self.owner = owner
        self.createdAt = createdAt
        self.definition = definition
    }
}

/// What ``PipelineRegistry/register(_:owner:)`` did.
public struct PipelineRegistration: Sendable, Hashable {
    /// The version that now holds the definition.
    public var pipeline: RegisteredPipeline
    /// `true` when a new version was stored; `false` when the definition equalled the latest version.
    public var created: Bool

    /// A registration outcome.
    public init(pipeline: RegisteredPipeline, created: Bool) {
        self.pipeline = pipeline
        self.created = created
    }
}

/// One pipeline in a listing.
public struct PipelineSummary: Sendable, Hashable {
    /// Its name.
    public var name: PipelineName
    /// Its newest version.
    public var latestVersion: Int
    /// When its newest version was stored.
    public var updatedAt: Date

    /// A listing entry.
    public init(name: PipelineName, latestVersion: Int, updatedAt: Date) {
        self.name = name
        self.latestVersion = latestVersion
        self.updatedAt = updatedAt
    }
}

/// One version in a listing.
public struct PipelineVersionSummary: Sendable, Hashable {
    /// The version number.
    public var version: Int
    /// When it was stored.
    public var createdAt: Date

    /// A listing entry.
    public init(version: Int, createdAt: Date) {
        self.version = version
        self.createdAt = createdAt
    }
}

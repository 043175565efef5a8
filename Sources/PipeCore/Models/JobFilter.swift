#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Which jobs a listing returns; every field left `nil` matches all.
///
/// ```swift
/// let failed = try await queue.jobs(matching: JobFilter(owner: alice.id, state: .failed), limit: 50, cursor: nil)
/// ```
public struct JobFilter: Sendable, Hashable {
    /// Only jobs submitted by this account.
    public var owner: UserID?
    /// Only jobs in this state.
    public var state: JobState?
    /// Only jobs of this pipeline.
    public var pipeline: PipelineID?

    /// A filter; `nil` fields match every job.
    public init(owner: UserID? = nil, state: JobState? = nil, pipeline: PipelineID? = nil) {
        self.owner = owner
        self.state = state
        self.pipeline = pipeline
    }

    /// Whether `job` passes the filter.
    public func matches(_ job: Job) -> Bool {
        (owner == nil || job.owner == owner) && (state == nil || job.state == state)
            && (pipeline == nil || job.pipeline == pipeline)
    }
}

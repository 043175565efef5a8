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

    /// The most jobs one page of a listing may hold.
    public static let maxPageSize = 1_000

    /// Checks a page size and decodes a listing cursor (the position of the last job returned, newest first).
    ///
    /// - Throws: `invalid_argument` for a limit outside 1…``maxPageSize`` or a cursor no listing returned.
    public static func position(limit: Int, cursor: String?) throws(PipeError) -> Int64? {
        guard (1...maxPageSize).contains(limit) else {
            throw PipeError(.invalidArgument, "limit must be 1 to \(maxPageSize)", details: ["field": "limit"])
        }
        guard let cursor else { return nil }
        guard let position = Int64(cursor), position > 0 else {
            throw PipeError(.invalidArgument, "the cursor is not one a listing returned", details: ["field": "cursor"])
        }
        return position
    }
}

/// Where a job is in its lifecycle.
///
/// The states and the moves between them:
///
/// ```
/// queued ──> running ──> succeeded
///   │         │  ▲  ├──> failed ──> deadLettered
///   │         │  │  └──> cancelled
///   │         ▼  │
///   │       retrying ──> cancelled
///   └──────────────────> cancelled
/// ```
///
/// A job is claimed from `queued` into `running`. A run that fails but may be retried waits in `retrying` (its
/// backoff) and is claimed into `running` again; a run that fails for good ends in `failed`, from which the queue may
/// file it in the dead-letter store (`deadLettered`) for inspection and replay. Queued, running and retrying jobs can
/// be cancelled. ``canTransition(to:)`` is the single source of these rules.
///
/// Encoded as the case name: `"queued"`, `"deadLettered"`, ….
public enum JobState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting to be claimed by a worker for its first run.
    case queued
    /// Claimed by a worker, which holds a lease on it.
    case running
    /// Finished successfully.
    case succeeded
    /// Failed with no retries left.
    case failed
    /// Stopped at a caller's request.
    case cancelled
    /// Failed, waiting out a backoff before its next run.
    case retrying
    /// Failed and filed in the dead-letter store, with its input and error kept for replay.
    case deadLettered

    /// Whether the job will not run again: `succeeded`, `failed`, `cancelled` or `deadLettered`.
    ///
    /// `failed` is terminal even though it can still move to `deadLettered`: that move files the job, it does not
    /// run it.
    public var isTerminal: Bool {
        switch self {
        case .succeeded, .failed, .cancelled, .deadLettered: true
        case .queued, .running, .retrying: false
        }
    }

    /// Whether a job in this state may move to `next`. Staying in the same state is not a transition.
    public func canTransition(to next: JobState) -> Bool {
        switch (self, next) {
        case (.queued, .running), (.queued, .cancelled),
            (.running, .succeeded), (.running, .failed), (.running, .cancelled), (.running, .retrying),
            (.retrying, .running), (.retrying, .cancelled),
            (.failed, .deadLettered):
            true
        default:
            false
        }
    }
}

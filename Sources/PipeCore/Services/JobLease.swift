#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A worker's claim on a running job, returned by ``JobQueue/claim(leaseDuration:)``.
///
/// Until ``expiresAt`` no other worker can claim the job. A worker that needs longer renews the lease; one that
/// crashes simply lets it expire, and the job becomes claimable again (this is what makes delivery at-least-once).
/// The ``token`` identifies this particular claim, so a worker whose lease expired and was taken over cannot complete
/// or fail the job behind the new holder's back.
public struct JobLease: Sendable, Hashable, Codable {
    /// The job as it was when claimed (state ``JobState/running``).
    public var job: Job
    /// The job's input, as given to ``JobQueue/enqueue(pipeline:payload:)``.
    public var payload: JSONValue
    /// An opaque token naming this claim; pass the lease back unchanged.
    public var token: String
    /// When the claim lapses unless renewed.
    public var expiresAt: Date

    /// Makes a lease.
    public init(job: Job, payload: JSONValue, token: String, expiresAt: Date) {
        self.job = job
        self.payload = payload
        self.token = token
        self.expiresAt = expiresAt
    }
}

import Logging
import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension AuthService {
    /// How long ended sessions stay listable before they are deleted.
    static let endedSessionRetention: TimeInterval = 30 * 86_400

    /// Deletes what has expired: OAuth attempts and second-factor challenges past their time, sessions ended more
    /// than 30 days ago (with their retired refresh-token hashes), audit events older than
    /// ``AuthConfiguration/auditRetention``, and stale lockout counters.
    public func sweep() async throws(PipeError) {
        let now = clock()
        try await store.sweep(
            now: now, sessionRetention: now.addingTimeInterval(-Self.endedSessionRetention),
            auditRetention: now.addingTimeInterval(-TimeInterval(configuration.auditRetention)))
    }

    /// Rotates keys when due and sweeps, every `interval`, until the task is cancelled. An embedding app runs it in
    /// a task of its own; the server runs it as a service.
    ///
    /// - Parameter interval: how often (default hourly).
    public func runMaintenance(every interval: Duration = .seconds(3600)) async {
        while !Task.isCancelled {
            do {
                try await rotateKeysIfDue()
                try await sweep()
            } catch {
                logger.error("auth maintenance failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Applies the session revocations other processes sharing the store make (the replicas of a scaled-out
    /// deployment), every `interval`, until the task is cancelled: a signed-out session's access tokens stop working
    /// here within `interval` instead of when they expire. Nothing to run on an embedded store only this process
    /// writes.
    ///
    /// - Parameter interval: how often to look (default 2 s).
    public func followRevocations(every interval: Duration = .seconds(2)) async {
        // Revocations are read with an overlap, so one committed while the last look ran is not missed.
        var since = clock().addingTimeInterval(-1)
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let now = clock()
            do {
                for session in try await store.sessionsRevoked(since: since) { tokens.revoke(session: session, at: now) }
                since = now.addingTimeInterval(-1)
            } catch {
                logger.warning("reading other replicas' revocations failed", metadata: ["error": "\(error)"])
            }
        }
    }
}

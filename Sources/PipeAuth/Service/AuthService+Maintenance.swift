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
}

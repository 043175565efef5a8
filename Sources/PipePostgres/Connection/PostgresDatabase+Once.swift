import Foundation
import PipeCore
import PostgresNIO

extension PostgresDatabase {
    /// Runs `step` unless any replica already did it under `name`; returns its result, or `nil` when it had been done.
    ///
    /// Replicas starting together take turns: the first holds a transaction-scoped advisory lock on `name` while
    /// `step` runs and records it after, so the others wait and then find it done. A step that fails (or a crash
    /// during it) records nothing, and the next start tries again, as the embedded marker file does.
    public func once<T: Sendable>(_ name: String, _ step: @Sendable () async throws(PipeError) -> T)
        async throws(PipeError) -> T?
    {
        try await transaction { transaction throws -> T? in
            try await transaction.query("SELECT pg_advisory_xact_lock(hashtextextended(\(name), 0))")
            guard try await transaction.one("SELECT 1 FROM pipe_deployment_steps WHERE name = \(name)") == nil else {
                return nil
            }
            let result = try await step()
            try await transaction.query(
                "INSERT INTO pipe_deployment_steps (name, done_at) VALUES (\(name), \(Date().timeIntervalSince1970))")
            return result
        }
    }
}

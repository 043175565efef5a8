import PipeCore
import PostgresNIO

/// How PostgreSQL's failures read as `PipeError`s.
enum PostgresErrors {
    /// SQLSTATE codes the stores act on.
    static let serializationFailure = "40001"
    static let deadlockDetected = "40P01"

    static func pipeError(_ error: any Error, endpoint: String) -> PipeError {
        if let error = error as? PipeError { return error }
        if error is CancellationError { return PipeError(.cancelled, "the database operation was cancelled") }
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                let message = info[.message] ?? "a server error"
                return PipeError(
                    .unavailable, "PostgreSQL at \(endpoint) refused a statement: \(message)",
                    details: ["sqlstate": info[.sqlState] ?? ""])
            }
            if error.code == .queryCancelled { return PipeError(.cancelled, "the database operation was cancelled") }
            return PipeError(.unavailable, "PostgreSQL at \(endpoint) cannot be reached: \(error.code)")
        }
        return PipeError(.unavailable, "PostgreSQL at \(endpoint) failed: \(String(describing: error))")
    }
}

import PipeCore

/// Runs `body`, failing with `timeout` (naming `what`) when it takes longer than `timeout`; the body's task
/// is cancelled then. Shared by typed stages and declarative steps.
func withTimeout<Value: Sendable>(
    _ timeout: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw PipeError(.timeout, "\(what) took longer than \(DurationText.format(timeout))")
        }
        return value
    }
}

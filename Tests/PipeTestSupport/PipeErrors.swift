import PipeCore

/// The error `body` throws, as a `PipeError` (anything else becomes `internal`); `nil` when it does not throw.
public func pipeError(_ body: () async throws -> Void) async -> PipeError? {
    do {
        try await body()
        return nil
    } catch let error as PipeError {
        return error
    } catch {
        return PipeError(.internalError, "not a PipeError: \(error)")
    }
}

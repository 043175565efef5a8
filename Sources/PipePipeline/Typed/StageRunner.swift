/// One stage's closure with its name, retry and error policies: what every stage kind runs per record.
struct StageRunner<Input: Sendable, Output: Sendable>: Sendable {
    let name: String
    let retry: RetryPolicy?
    let onError: StageErrorPolicy<Input, Output>
    let transform: @Sendable (Input) async throws -> Emission<Output>

    /// Runs the closure on one record under the retry and error policies.
    func apply(_ element: Input) async throws -> Emission<Output> {
        do {
            if let retry { return try await retry.run { try await transform(element) } }
            return try await transform(element)
        } catch {
            if error is CancellationError { throw error }
            switch onError.action {
            case .fail: throw StageFailure.wrap(error, stage: name, record: element)
            case .skip: return .none
            case .recover(let handler):
                do {
                    return try await handler(element, error).map { .one($0) } ?? .none
                } catch {
                    throw StageFailure.wrap(error, stage: name, record: element)
                }
            }
        }
    }
}

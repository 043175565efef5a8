import PipeCore

/// One stage's closure with its name, retry and error policies: what every stage kind runs per record.
@usableFromInline
struct StageRunner<Input: Sendable, Output: Sendable>: Sendable {
    @usableFromInline let name: String
    @usableFromInline let retry: RetryPolicy?
    @usableFromInline let timeout: Duration?
    @usableFromInline let onError: StageErrorPolicy<Input, Output>
    @usableFromInline let transform: @Sendable (Input) async throws -> Emission<Output>

    init(
        name: String, retry: RetryPolicy?, timeout: Duration? = nil, onError: StageErrorPolicy<Input, Output>,
        transform: @escaping @Sendable (Input) async throws -> Emission<Output>
    ) {
        self.name = name
        self.retry = retry
        self.timeout = timeout
        self.onError = onError
        self.transform = transform
    }

    /// Runs the closure on one record under the timeout, retry and error policies. The plain case (no
    /// retry, no timeout, no failure) is inlined into the caller; everything else is out of line.
    @inlinable
    func apply(_ element: Input) async throws -> Emission<Output> {
        guard retry == nil && timeout == nil else { return try await applyWithPolicies(element) }
        do {
            return try await transform(element)
        } catch {
            return try await handle(error, element)
        }
    }

    @usableFromInline
    func applyWithPolicies(_ element: Input) async throws -> Emission<Output> {
        do {
            if let retry { return try await retry.run { try await attempt(element) } }
            return try await attempt(element)
        } catch {
            return try await handle(error, element)
        }
    }

    /// What the stage's error policy makes of a failed record.
    @usableFromInline
    func handle(_ error: any Error, _ element: Input) async throws -> Emission<Output> {
        if error is CancellationError { throw error }
        switch onError.action {
        case .fail: throw StageFailure.wrap(error, stage: name, record: element)
        case .skip: return .none
        case .deadLetter(let letters):
            let cause =
                (error as? PipeError) ?? PipeError(.pipelineStageFailed, "\(error)", details: ["stage": name])
            try letters.add(DeadLetterBox<Input>.Letter(stage: name, record: element, error: cause))
            return .none
        case .recover(let handler):
            do {
                return try await handler(element, error).map { .one($0) } ?? .none
            } catch {
                throw StageFailure.wrap(error, stage: name, record: element)
            }
        }
    }
}

extension StageRunner {
    /// One attempt, bounded by the stage's timeout when it has one.
    func attempt(_ element: Input) async throws -> Emission<Output> {
        guard let timeout else { return try await transform(element) }
        let transform = self.transform
        return try await withTimeout(timeout, "stage \(name)") { try await transform(element) }
    }
}

extension AsyncThrowingStream where Failure == any Error, Element: Sendable {
    /// The elements of `sequence`, read by a task of their own; the task stops when the stream's consumer does.
    static func forwarding<Base: AsyncSequence & Sendable>(_ sequence: Base) -> Self where Base.Element == Element {
        AsyncThrowingStream { continuation in
            let reader = Task {
                do {
                    for try await element in sequence { continuation.yield(element) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in reader.cancel() }
        }
    }
}

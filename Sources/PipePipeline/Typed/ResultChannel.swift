import Foundation
import PipeCore

/// A bounded hand-over from a stage's driver task to the task reading the stage: the driver waits
/// while `capacity` records are buffered, the reader waits while none are.
final class ResultChannel<Element: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: every mutable field is read and written only while `lock` is held.
    private let lock = NSLock()
    private let capacity: Int
    private var buffer: [Element] = []
    private var head = 0
    private var outcome: Result<Void, any Error>?
    private var receiver: CheckedContinuation<Void, Never>?
    /// Identifies the current `receiver`, so a late timer cannot wake a later wait.
    private var receiverToken = 0
    private var sender: CheckedContinuation<Void, Never>?

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    private var count: Int { buffer.count - head }

    private enum Take {
        case element(Element, CheckedContinuation<Void, Never>?)
        case end(Result<Void, any Error>)
        case wait
    }

    /// Adds records; waits while the channel is full. Returns `false` once the reader is gone.
    func send(_ elements: [Element]) async -> Bool {
        while true {
            let state: Bool? = lock.withLock {
                if outcome != nil { return false }
                return count >= capacity ? nil : true
            }
            if state == false { return false }
            if state == true { break }
            await withCheckedContinuation { continuation in
                lock.lock()
                if count >= capacity && outcome == nil {
                    sender = continuation
                    lock.unlock()
                } else {
                    lock.unlock()
                    continuation.resume()
                }
            }
        }
        let waiting: CheckedContinuation<Void, Never>? = lock.withLock {
            buffer.append(contentsOf: elements)
            let r = receiver
            receiver = nil
            return r
        }
        waiting?.resume()
        return true
    }

    /// Ends the channel: the reader drains what is buffered, then sees the end or the error.
    func finish(_ error: (any Error)?) {
        let (r, s): (CheckedContinuation<Void, Never>?, CheckedContinuation<Void, Never>?) = lock.withLock {
            if outcome == nil { outcome = error.map { .failure($0) } ?? .success(()) }
            defer {
                receiver = nil
                sender = nil
            }
            return (receiver, sender)
        }
        r?.resume()
        s?.resume()
    }

    /// Takes the next buffered record (waking a sender waiting for space), the end, or `wait`.
    private func takeNext() -> Take {
        lock.withLock {
            if head < buffer.count {
                let element = buffer[head]
                head += 1
                if head > 64 && head * 2 > buffer.count {
                    buffer.removeFirst(head)
                    head = 0
                }
                let s = sender
                sender = nil
                return .element(element, s)
            }
            if let outcome { return .end(outcome) }
            return .wait
        }
    }

    /// Starts `produce` as the task that fills this channel; its end (or error) ends the channel.
    func startDriver(_ produce: @escaping @Sendable (ResultChannel) async throws -> Void) -> Task<Void, Never> {
        Task {
            do {
                try await produce(self)
                finish(nil)
            } catch {
                finish(error)
            }
        }
    }

    /// The next record, `nil` at the end.
    func receive() async throws -> Element? {
        switch try await receive(until: nil) {
        case .element(let element): element
        case .end, .timedOut: nil  // no deadline: never timed out
        }
    }

    /// What a receive with a deadline got.
    enum Received {
        case element(Element)
        case end
        case timedOut
    }

    /// The next record, the end, or `timedOut` once `deadline` (if any) passes with nothing buffered.
    func receive(until deadline: ContinuousClock.Instant?) async throws -> Received {
        while true {
            switch takeNext() {
            case .element(let element, let sender):
                sender?.resume()
                return .element(element)
            case .end(.success): return .end
            case .end(.failure(let error)): throw error
            case .wait:
                if let deadline, ContinuousClock.now >= deadline { return .timedOut }
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    lock.lock()
                    if head < buffer.count || outcome != nil {
                        lock.unlock()
                        continuation.resume()
                        return
                    }
                    receiver = continuation
                    receiverToken += 1
                    let token = receiverToken
                    lock.unlock()
                    if let deadline {
                        Task { [weak self] in
                            try? await Task.sleep(until: deadline, clock: .continuous)
                            self?.expire(token)
                        }
                    }
                }
            }
        }
    }

    /// Wakes the receiver that waited with `token`, if it still waits (its deadline passed).
    private func expire(_ token: Int) {
        let waiting: CheckedContinuation<Void, Never>? = lock.withLock {
            guard receiverToken == token, let r = receiver else { return nil }
            receiver = nil
            return r
        }
        waiting?.resume()
    }
}

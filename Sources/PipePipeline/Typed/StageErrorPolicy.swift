import PipeCore
import Synchronization

/// What a stage does when its closure throws on a record (after any retries).
public struct StageErrorPolicy<Input: Sendable, Output: Sendable>: Sendable {
    enum Action: Sendable {
        case fail
        case skip
        case recover(@Sendable (Input, any Error) async throws -> Output?)
        case deadLetter(DeadLetterBox<Input>)
    }

    let action: Action

    /// Fail the run with `pipeline_stage_failed`, naming the stage and the record (the default).
    public static var fail: StageErrorPolicy { StageErrorPolicy(action: .fail) }

    /// Drop the record and go on.
    public static var skip: StageErrorPolicy { StageErrorPolicy(action: .skip) }

    /// Give the record and the error to `handler`, which returns a replacement (or `nil` to drop
    /// the record) — or throws to fail the run. Use it to send failures to a dead-letter store.
    public static func recover(_ handler: @escaping @Sendable (Input, any Error) async throws -> Output?)
        -> StageErrorPolicy
    {
        StageErrorPolicy(action: .recover(handler))
    }
}

extension StageErrorPolicy {
    /// Set the record aside in `letters` (with the stage and the error) and go on; past the box's capacity the
    /// run fails with `limit_exceeded` rather than lose a record.
    public static func deadLetter(into letters: DeadLetterBox<Input>) -> StageErrorPolicy {
        StageErrorPolicy(action: .deadLetter(letters))
    }
}

/// Where a typed pipeline's stages with the ``StageErrorPolicy/deadLetter(into:)`` policy put the records they
/// failed on, to inspect or feed back through the pipeline once the cause is fixed.
///
/// ```swift
/// let failed = DeadLetterBox<Order>(capacity: 10_000)
/// try await Pipeline(orders).map("price", onError: .deadLetter(into: failed)) { try await price($0) }.sink { … }
/// for letter in failed.letters { print(letter.stage, letter.error) }
/// ```
public final class DeadLetterBox<Record: Sendable>: Sendable {
    /// One record a stage failed on.
    public struct Letter: Sendable {
        /// The stage's name.
        public let stage: String
        /// The record as it reached the stage.
        public let record: Record
        /// The stage's last error.
        public let error: PipeError
    }

    /// The most letters the box holds.
    public let capacity: Int
    private let storage: Mutex<[Letter]>

    /// An empty box holding up to `capacity` letters.
    public init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
        storage = Mutex([])
    }

    /// The letters so far, in the order they were set aside.
    public var letters: [Letter] { storage.withLock { $0 } }

    /// Takes the letters out, leaving the box empty (to replay them).
    public func drain() -> [Letter] {
        storage.withLock { letters in
            defer { letters = [] }; return letters
        }
    }

    func add(_ letter: Letter) throws(PipeError) {
        let added = storage.withLock { letters -> Bool in
            guard letters.count < capacity else { return false }
            letters.append(letter)
            return true
        }
        guard added else {
            throw PipeError(
                .limitExceeded, "stage \(letter.stage) set aside more than \(capacity) dead letters",
                details: ["stage": letter.stage])
        }
    }
}

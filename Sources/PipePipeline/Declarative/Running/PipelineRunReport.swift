import PipeCore
import Synchronization

/// The live counts of one run of a definition, and the records it set aside.
///
/// For every step, `received == passed + dropped + failed + skipped + deadLettered`: each record that reaches a
/// step is counted once, by what became of it. `emitted` counts the records a step put out (a `flatMap` may put
/// out several per record, a `batch` one per batch). Counts are published while the run goes (every thousand or
/// so records) and in full when it ends, so a progress display can read them from another task.
public final class PipelineRunReport: Sendable {
    /// What happened to records at one step.
    public struct StepCounts: Sendable, Hashable {
        /// `steps[i] (type)`.
        public let step: String
        /// Records that reached the step.
        public internal(set) var received = 0
        /// Records the step accepted: it put out something for them, or (`batch`, `aggregate`, `sort`) kept them.
        public internal(set) var passed = 0
        /// Records the step put out.
        public internal(set) var emitted = 0
        /// Records the step dropped (filtered out, duplicates, `null` results).
        public internal(set) var dropped = 0
        /// Records on which the step failed the run.
        public internal(set) var failed = 0
        /// Records the step failed on and skipped (`onError: skip`).
        public internal(set) var skipped = 0
        /// Records the step failed on and set aside as dead letters (`onError: deadLetter`).
        public internal(set) var deadLettered = 0
        /// Attempts beyond the first (retries) the step made.
        public internal(set) var retries = 0

        /// Whether the counts add up: every received record is accounted for once.
        public var isBalanced: Bool { received == passed + dropped + failed + skipped + deadLettered }
    }

    struct Snapshot: Sendable {
        var read = 0
        var written = 0
        var steps: [StepCounts]
        var deadLetters: [DeadLetter] = []
    }

    private let state: Mutex<Snapshot>

    init(steps: [String]) {
        state = Mutex(Snapshot(steps: steps.map { StepCounts(step: $0) }))
    }

    /// The counts so far, one entry per step.
    public var steps: [StepCounts] { state.withLock { $0.steps } }
    /// Records read from the source so far.
    public var read: Int { state.withLock { $0.read } }
    /// Records the last step put out so far.
    public var written: Int { state.withLock { $0.written } }
    /// The dead letters so far, in the order they were set aside.
    public var deadLetters: [DeadLetter] { state.withLock { $0.deadLetters } }

    func publish(read: Int, written: Int, steps: [StepCounts], newDeadLetters: ArraySlice<DeadLetter>) {
        state.withLock { snapshot in
            snapshot.read = read
            snapshot.written = written
            snapshot.steps = steps
            snapshot.deadLetters.append(contentsOf: newDeadLetters)
        }
    }
}

import Foundation

/// Per-step record counts of one run. For every step, `received == passed + dropped + failed`:
/// each record that reaches a step is counted once, by what became of it. `emitted` counts the
/// records a step put out (a `flatMap` may put out several per record it passed).
public final class PipelineRunReport: Sendable {
    /// What happened to records at one step.
    public struct StepCounts: Sendable, Hashable {
        /// `steps[i] (type)`.
        public let step: String
        /// Records that reached the step.
        public internal(set) var received = 0
        /// Records that gave at least one output.
        public internal(set) var passed = 0
        /// Records the step put out.
        public internal(set) var emitted = 0
        /// Records the step dropped (filtered out, duplicates, `null` results).
        public internal(set) var dropped = 0
        /// Records on which the step failed.
        public internal(set) var failed = 0
    }

    enum Counter {
        case `in`, passed, emitted, dropped, failed
    }

    private let counts: LockedCounts

    init(steps: [String]) {
        counts = LockedCounts(steps.map { StepCounts(step: $0) })
    }

    /// The counts so far, one entry per step.
    public var steps: [StepCounts] { counts.snapshot }

    func count(step: Int, _ counter: Counter, by amount: Int = 1) {
        counts.update(step) { entry in
            switch counter {
            case .in: entry.received += amount
            case .passed: entry.passed += amount
            case .emitted: entry.emitted += amount
            case .dropped: entry.dropped += amount
            case .failed: entry.failed += amount
            }
        }
    }
}

/// The report's storage.
final class LockedCounts: @unchecked Sendable {
    // @unchecked Sendable: `entries` is read and written only under `lock`.
    private let lock = NSLock()
    private var entries: [PipelineRunReport.StepCounts]

    init(_ entries: [PipelineRunReport.StepCounts]) {
        self.entries = entries
    }

    var snapshot: [PipelineRunReport.StepCounts] { lock.withLock { entries } }

    func update(_ index: Int, _ change: (inout PipelineRunReport.StepCounts) -> Void) {
        lock.withLock { change(&entries[index]) }
    }
}

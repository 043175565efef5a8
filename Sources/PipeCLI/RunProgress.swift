import Foundation
import PipePipeline

/// `pipe run`'s progress on standard error: a line redrawn every quarter second on a terminal,
/// and one summary line per step at the end.
final class RunProgress: @unchecked Sendable {
    // @unchecked Sendable: `report` and `ticker` are set once by `start` before the ticker task
    // reads them, and `finish` only cancels the ticker; `lock` orders the writes to stderr.
    let interactive: Bool
    private var report: PipelineRunReport?
    private var ticker: Task<Void, Never>?
    private let started = ContinuousClock.now
    private let lock = NSLock()

    init(interactive: Bool) {
        self.interactive = interactive
    }

    func start(_ report: PipelineRunReport) {
        self.report = report
        guard interactive else { return }
        ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                self?.draw(final: false)
            }
        }
    }

    func finish() {
        ticker?.cancel()
        draw(final: true)
    }

    private func draw(final: Bool) {
        guard let report else { return }
        let steps = report.steps
        let read = report.read
        let written = report.written
        let failed = steps.reduce(0) { $0 + $1.failed + $1.skipped + $1.deadLettered }
        let seconds = max(
            0.001,
            Double((ContinuousClock.now - started).components.seconds)
                + Double((ContinuousClock.now - started).components.attoseconds) / 1e18)
        let rate = Int(Double(read) / seconds)
        var text = "\(read) records in, \(written) out, \(failed) errors, \(rate) records/s"
        if interactive { text = "\r\u{1B}[K" + text }
        if final {
            text += "\n"
            for step in steps {
                text +=
                    "  \(step.step): received \(step.received), passed \(step.passed), dropped \(step.dropped), "
                    + "failed \(step.failed), skipped \(step.skipped), dead-lettered \(step.deadLettered), "
                    + "emitted \(step.emitted)\n"
            }
        }
        lock.withLock { FileHandle.standardError.write(Data(text.utf8)) }
    }
}

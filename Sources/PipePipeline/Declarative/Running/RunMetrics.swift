import Metrics

/// The swift-metrics a declarative run reports, per pipeline and step:
///
/// - `pipe_pipeline_records_total{pipeline, step, outcome}`: records by what became of them at the step
///   (`received`, `passed`, `emitted`, `dropped`, `failed`, `skipped`, `dead_lettered`, `retried`);
/// - `pipe_pipeline_source_records_total{pipeline}`: records read from the source;
/// - `pipe_pipeline_step_failures_total{pipeline, step, action}`: failures by the policy that handled them;
/// - `pipe_pipeline_step_duration_seconds{pipeline, step}`: the time one record takes at a step (a timer,
///   sampled on one source record in 256 so the hot path stays cheap);
/// - `pipe_pipeline_dead_letters{pipeline}`: dead letters of the last finished run (a gauge).
///
/// Counters are added to in batches when the run publishes its counts, not per record.
struct RunMetrics: Sendable {
    struct StepCounters: Sendable {
        let label: String
        let received, passed, emitted, dropped, failed, skipped, deadLettered, retried: Counter
        let latency: Timer
    }

    let pipeline: String
    let steps: [StepCounters]
    let source: Counter
    let deadLetters: Gauge

    init(pipeline: String, steps: [String]) {
        self.pipeline = pipeline
        self.steps = steps.map { step in
            func counter(_ outcome: String) -> Counter {
                Counter(
                    label: "pipe_pipeline_records_total",
                    dimensions: [("pipeline", pipeline), ("step", step), ("outcome", outcome)])
            }
            return StepCounters(
                label: step, received: counter("received"), passed: counter("passed"), emitted: counter("emitted"),
                dropped: counter("dropped"), failed: counter("failed"), skipped: counter("skipped"),
                deadLettered: counter("dead_lettered"), retried: counter("retried"),
                latency: Timer(
                    label: "pipe_pipeline_step_duration_seconds", dimensions: [("pipeline", pipeline), ("step", step)])
            )
        }
        source = Counter(label: "pipe_pipeline_source_records_total", dimensions: [("pipeline", pipeline)])
        deadLetters = Gauge(label: "pipe_pipeline_dead_letters", dimensions: [("pipeline", pipeline)])
    }

    /// Adds what changed since the last publication.
    func record(
        steps now: [PipelineRunReport.StepCounts], since then: [PipelineRunReport.StepCounts], read: Int,
        previouslyRead: Int
    ) {
        for (index, counters) in steps.enumerated() {
            let a = now[index]
            let b = then[index]
            add(counters.received, a.received - b.received)
            add(counters.passed, a.passed - b.passed)
            add(counters.emitted, a.emitted - b.emitted)
            add(counters.dropped, a.dropped - b.dropped)
            add(counters.failed, a.failed - b.failed)
            add(counters.skipped, a.skipped - b.skipped)
            add(counters.deadLettered, a.deadLettered - b.deadLettered)
            add(counters.retried, a.retries - b.retries)
        }
        add(source, read - previouslyRead)
    }

    func latency(step: Int, _ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        steps[step].latency.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    func failure(step: Int, action: StepFailureAction) {
        Counter(
            label: "pipe_pipeline_step_failures_total",
            dimensions: [("pipeline", pipeline), ("step", steps[step].label), ("action", action.rawValue)]
        ).increment()
    }

    func finish(deadLetters count: Int) {
        deadLetters.record(count)
    }

    private func add(_ counter: Counter, _ amount: Int) {
        if amount > 0 { counter.increment(by: amount) }
    }
}

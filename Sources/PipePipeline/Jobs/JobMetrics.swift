import Foundation
import Metrics
import PipeCore

/// The swift-metrics a job runner reports:
///
/// - `pipe_jobs_total{pipeline, outcome}`: finished attempts by outcome (`succeeded`, `failed`, `retried`);
/// - `pipe_job_duration_seconds{pipeline}`: how long an attempt ran (a timer);
/// - `pipe_job_queue_depth{state}`: jobs `queued`, `retrying`, `running` and `dead_lettered` (gauges, about
///   once a second while the runner runs);
/// - `pipe_job_oldest_ready_age_seconds`: how long the longest-waiting claimable job has waited (a gauge).
struct JobMetrics: Sendable {
    let queued = Gauge(label: "pipe_job_queue_depth", dimensions: [("state", "queued")])
    let retrying = Gauge(label: "pipe_job_queue_depth", dimensions: [("state", "retrying")])
    let running = Gauge(label: "pipe_job_queue_depth", dimensions: [("state", "running")])
    let deadLettered = Gauge(label: "pipe_job_queue_depth", dimensions: [("state", "dead_lettered")])
    let oldestAge = Gauge(label: "pipe_job_oldest_ready_age_seconds")

    func record(_ stats: JobQueueStats, now: Date) {
        queued.record(stats.queued)
        retrying.record(stats.retrying)
        running.record(stats.running)
        deadLettered.record(stats.deadLettered)
        oldestAge.record(stats.oldestReadyAt.map { max(0, now.timeIntervalSince($0)) } ?? 0)
    }

    func outcome(pipeline: String, _ outcome: String) {
        Counter(label: "pipe_jobs_total", dimensions: [("pipeline", pipeline), ("outcome", outcome)]).increment()
    }

    func duration(pipeline: String, _ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        Timer(label: "pipe_job_duration_seconds", dimensions: [("pipeline", pipeline)])
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

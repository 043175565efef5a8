import ArgumentParser
import Foundation
import Logging
import PipeCore
import PipePipeline

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where `pipe submit`, `pipe worker` and `pipe job` find the durable queue.
struct QueueOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite job queue file (created if missing).")
    var queue: String = ".pipe/jobs.sqlite"

    func open() throws(PipeError) -> SQLiteJobQueue {
        let directory = (queue as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        return try SQLiteJobQueue(path: queue)
    }
}

/// `pipe submit`: queue a definition as a durable job for `pipe worker` to run.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Queue a pipeline definition as a durable job; prints the job as JSON.",
        discussion: """
            The definition is checked first (exit 2 if it does not check out). File paths are made \
            absolute, so a worker started elsewhere finds them. With --idempotency-key, submitting \
            again with the same key prints the first job instead of queueing another.
            """
    )

    @Argument(help: "The pipeline definition: a JSON file, or YAML (.yaml, .yml).")
    var definition: String

    @OptionGroup var queueOptions: QueueOptions

    @Option(name: .long, help: "Input file (.csv, .json, or JSON Lines).")
    var input: String?

    @Option(name: .long, help: "Output file (.csv, .json, or JSON Lines).")
    var output: String?

    @Option(name: .customLong("idempotency-key"), help: "Submit at most once under this key.")
    var idempotencyKey: String?

    func run() async throws {
        let loaded: PipelineDefinition
        do throws(PipeError) {
            loaded = DefinitionFile.absolutePaths(
                try DefinitionFile.load(
                    definition, input: input.map(DefinitionFile.absolute), output: output.map(DefinitionFile.absolute)))
            _ = try loaded.compile()
            if loaded.source == .caller {
                throw PipeError(
                    .invalidPipeline, "source: a job needs a source: give --input or a source in the definition")
            }
            if loaded.sink == .collect || loaded.sink == .caller {
                throw PipeError(
                    .invalidPipeline,
                    "sink: a job needs a file or storage sink: give --output or a sink in the definition")
            }
        } catch {
            CommandOutput.fail(error, exitCode: 2)
        }
        do {
            let job = try await PipelineJobs.submit(loaded, idempotencyKey: idempotencyKey, to: try queueOptions.open())
            print(try JobJSON.text(job))
        } catch {
            CommandOutput.fail(error, exitCode: 1)
        }
    }
}

/// `pipe worker`: run queued jobs until stopped.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run jobs from the durable queue, several at once, until SIGTERM or SIGINT.",
        discussion: """
            On SIGTERM or SIGINT the worker stops claiming jobs and exits once the running ones have \
            finished. A worker that dies mid-job (killed, crashed) leaves its lease to lapse; any \
            worker then runs the job again from its input. Logs go to standard error at \
            PIPE_LOG_LEVEL (default info).
            """
    )

    @OptionGroup var queueOptions: QueueOptions

    @Option(name: .long, help: "How many jobs run at once.")
    var concurrency: Int = 2

    @Option(name: .long, help: "Lease length in seconds; a running job renews it every third of that.")
    var lease: Double = 30

    @Flag(name: .customLong("exit-when-idle"), help: "Exit once no job is queued, retrying or running.")
    var exitWhenIdle = false

    func run() async throws {
        guard lease >= 0.1, lease <= 3_600, concurrency >= 1, concurrency <= 256 else {
            CommandOutput.fail(
                PipeError(.invalidArgument, "--lease must be 0.1 to 3600 seconds and --concurrency 1 to 256"),
                exitCode: 2)
        }
        let queue: SQLiteJobQueue
        do throws(PipeError) {
            queue = try queueOptions.open()
        } catch {
            CommandOutput.fail(error, exitCode: 1)
        }
        var logger = Logger(label: "pipe.worker") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel =
            ProcessInfo.processInfo.environment["PIPE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let jobs = PipelineJobs(
            queue: queue, concurrency: concurrency, leaseDuration: .milliseconds(Int64(lease * 1_000)),
            environment: PipelineEnvironment(logger: logger))
        let signals = [SIGTERM, SIGINT].map { signalNumber -> any DispatchSourceSignal in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                logger.info("stopping: running jobs finish first")
                Task { await jobs.shutdown() }
            }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        let idleWatch = Task {
            guard exitWhenIdle else { return }
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                guard let stats = try? await queue.stats() else { continue }
                if stats.queued + stats.retrying + stats.running == 0 {
                    await jobs.shutdown()
                    return
                }
            }
        }
        logger.info("worker started", metadata: ["queue": "\(queueOptions.queue)", "concurrency": "\(concurrency)"])
        await jobs.run()
        idleWatch.cancel()
        logger.info("worker stopped")
    }
}

/// `pipe job`: show a job, or run a dead-lettered one again.
struct JobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job", abstract: "Print a job from the durable queue as JSON, or replay a dead-lettered one.")

    @Argument(help: "The job's id.")
    var id: String

    @OptionGroup var queueOptions: QueueOptions

    @Flag(name: .long, help: "Queue a dead-lettered job again (as a new job, printed) instead of printing it.")
    var replay = false

    func run() async throws {
        do {
            let queue = try queueOptions.open()
            let job = replay ? try await queue.replay(try JobID(id)) : try await queue.job(try JobID(id))
            print(try JobJSON.text(job))
        } catch {
            CommandOutput.fail(error, exitCode: 1)
        }
    }
}

/// `pipe jobs`: the queue's load and its dead letters.
/// `pipe jobs`: the local queue's counts (the default), and jobs on a deployment (`submit`, `watch`, `cancel`, `get`).
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "The local queue's counts and dead letters, or jobs on a deployment.",
        subcommands: [
            JobsQueueCommand.self, RemoteJobCommands.Submit.self, RemoteJobCommands.Watch.self,
            RemoteJobCommands.Cancel.self, RemoteJobCommands.Get.self,
        ],
        defaultSubcommand: JobsQueueCommand.self)
}

struct JobsQueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Print the durable queue's counts as JSON, or list its dead-lettered jobs, one JSON line each.",
        discussion: """
            With --purge-finished-before SECONDS, first deletes jobs that finished more than that many \
            seconds ago (dead-lettered ones stay; list them with --dead-letters and replay them with \
            `pipe job ID --replay`).
            """
    )

    @OptionGroup var queueOptions: QueueOptions

    @Flag(name: .customLong("dead-letters"), help: "List dead-lettered jobs, oldest first.")
    var deadLetters = false

    @Option(name: .long, help: "The most dead-lettered jobs to list.")
    var limit: Int = 100

    @Option(name: .customLong("purge-finished-before"), help: "Delete jobs finished more than this many seconds ago.")
    var purgeFinishedBefore: Double?

    func run() async throws {
        do {
            let queue = try queueOptions.open()
            if let seconds = purgeFinishedBefore {
                guard seconds >= 0 else { throw PipeError(.invalidArgument, "--purge-finished-before must be ≥ 0") }
                let removed = try await queue.purge(finishedBefore: Date().addingTimeInterval(-seconds))
                FileHandle.standardError.write(Data("pipe: purged \(removed) finished jobs\n".utf8))
            }
            if deadLetters {
                for job in try await queue.deadLetters(limit: max(1, min(limit, 100_000))) {
                    print(try JobJSON.text(job))
                }
            } else {
                print(try JobJSON.text(try await queue.stats()))
            }
        } catch {
            CommandOutput.fail(error, exitCode: 1)
        }
    }
}

/// A job (or the queue's counts) as one line of JSON: sorted keys, ISO 8601 dates.
enum JobJSON {
    static func text(_ job: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(job), as: UTF8.self)
    }
}

import ArgumentParser
import Foundation
import Logging
import PipeCore
import PipePipeline
import PipePostgres

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where `pipe submit`, `pipe worker` and `pipe job` find the durable queue.
struct QueueOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "The job queue: a SQLite file (created if missing), or the postgres:// URL of a scaled-out deployment.")
    var queue: String = ".pipe/jobs.sqlite"

    @Option(name: .customLong("database-schema"), help: "With a postgres:// queue: the schema Pipe's tables are in.")
    var databaseSchema: String?

    func open() async throws(PipeError) -> OpenedQueue {
        if queue.hasPrefix("postgres://") || queue.hasPrefix("postgresql://") {
            let database = try await PostgresDatabase.open(url: queue, schema: databaseSchema, maxConnections: 8)
            do {
                try await PostgresMigrator.requireCurrent(database)
            } catch {
                database.close()
                throw error
            }
            return OpenedQueue(queue: PostgresJobQueue(database: database), database: database)
        }
        let directory = (queue as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        return OpenedQueue(queue: try SQLiteJobQueue(path: queue), database: nil)
    }

    /// Where the queue is, for logs (never a password).
    var location: String {
        guard let url = URLComponents(string: queue), url.scheme?.hasPrefix("postgres") == true else { return queue }
        return "postgres://\(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")\(url.path)"
    }
}

/// A durable queue the CLI opened, SQLite or PostgreSQL, with what only the durable queues do.
struct OpenedQueue: Sendable {
    let queue: any JobQueue
    let database: PostgresDatabase?

    /// How long an idle worker waits before asking again: PostgreSQL wakes it on new jobs, so it polls rarely.
    var idleWait: Duration { database == nil ? .milliseconds(20) : .seconds(1) }

    func purge(finishedBefore date: Date) async throws(PipeError) -> Int {
        if let queue = queue as? PostgresJobQueue { return try await queue.purge(finishedBefore: date) }
        if let queue = queue as? SQLiteJobQueue { return try await queue.purge(finishedBefore: date) }
        return 0
    }

    func close() {
        (queue as? PostgresJobQueue)?.close()
        database?.close()
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
            let opened = try await queueOptions.open()
            defer { opened.close() }
            let job = try await PipelineJobs.submit(loaded, idempotencyKey: idempotencyKey, to: opened.queue)
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

    @Option(
        name: .long,
        help: """
            Run the jobs of a deployment instead: its configuration file (PIPE_* variables apply too, as for             pipe serve). Jobs then reach the deployment's storage as the accounts that submitted them.
            """)
    var config: String?

    @Flag(name: .long, help: "Run the jobs of the deployment the PIPE_* variables configure (no file).")
    var deployment = false

    func run() async throws {
        guard lease >= 0.1, lease <= 3_600, concurrency >= 1, concurrency <= 256 else {
            CommandOutput.fail(
                PipeError(.invalidArgument, "--lease must be 0.1 to 3600 seconds and --concurrency 1 to 256"),
                exitCode: 2)
        }
        if config != nil || deployment {
            return await DeploymentWorker(config: config, concurrency: concurrency).run()
        }
        let opened: OpenedQueue
        do throws(PipeError) {
            opened = try await queueOptions.open()
        } catch {
            CommandOutput.fail(error, exitCode: 1)
        }
        defer { opened.close() }
        let queue = opened.queue
        var logger = Logger(label: "pipe.worker") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel =
            ProcessInfo.processInfo.environment["PIPE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let jobs = PipelineJobs(
            queue: queue, concurrency: concurrency, leaseDuration: .milliseconds(Int64(lease * 1_000)),
            idleWait: opened.idleWait, environment: PipelineEnvironment(logger: logger))
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
        logger.info("worker started", metadata: ["queue": "\(queueOptions.location)", "concurrency": "\(concurrency)"])
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
            let opened = try await queueOptions.open()
            defer { opened.close() }
            let queue = opened.queue
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
            let opened = try await queueOptions.open()
            defer { opened.close() }
            let queue = opened.queue
            if let seconds = purgeFinishedBefore {
                guard seconds >= 0 else { throw PipeError(.invalidArgument, "--purge-finished-before must be ≥ 0") }
                let removed = try await opened.purge(finishedBefore: Date().addingTimeInterval(-seconds))
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

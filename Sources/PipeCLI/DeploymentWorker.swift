import Foundation
import Logging
import PipeClient
import PipeCore
import PipeServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `pipe worker --config FILE`: a worker replica of a deployment, with no HTTP: it opens the deployment's stores
/// (PostgreSQL and the shared object directory, as `pipe serve` does) and runs its jobs until SIGTERM or SIGINT,
/// letting running jobs finish.
struct DeploymentWorker {
    let config: String?
    let concurrency: Int

    func run() async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel =
                ProcessInfo.processInfo.environment["PIPE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        let logger = Logger(label: "pipe.worker")
        let deployment: Deployment
        do throws(PipeError) {
            var configuration = try ServerConfiguration.load(file: config)
            // A worker never migrates: replicas running `pipe serve` (or `pipe migrate`) do.
            configuration.database.migrateOnStart = false
            deployment = try await Deployment.open(configuration, jobConcurrency: concurrency, logger: logger)
        } catch {
            CommandOutput.fail(error, exitCode: 1)
        }
        defer { deployment.close() }
        let signals = [SIGTERM, SIGINT].map { signalNumber -> any DispatchSourceSignal in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                logger.info("stopping: running jobs finish first")
                Task { await deployment.services.stopWorkers() }
            }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        logger.info("deployment worker started", metadata: ["concurrency": "\(concurrency)"])
        await deployment.services.runWorkers()
        logger.info("worker stopped")
    }
}

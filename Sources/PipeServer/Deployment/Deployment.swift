import Foundation
import Logging
import PipeAuth
import PipeCore
import PipeHTTP
import PipePipeline
import PipeStorage

/// A whole Pipe deployment in one process on the embedded defaults: auth, storage and the job queue with its
/// workers, each in its own store under one directory.
///
/// ```
/// .pipe/auth/auth.sqlite       accounts, sessions, keys, audit log
/// .pipe/storage/               bucket metadata and blobs
/// .pipe/jobs.sqlite            the job queue
/// .pipe/pipelines.sqlite       registered pipeline definitions
/// .pipe/admin-created          written once the first admin exists
/// ```
public final class Deployment: Sendable {
    /// Accounts, sign-in, tokens.
    public let auth: AuthService
    /// Buckets and objects.
    public let storage: StorageService
    /// Pipeline jobs and the in-process workers.
    public let jobs: PipelineJobs
    /// Registered pipeline definitions.
    public let pipelines: any PipelineRegistry
    /// The queue the jobs wait in.
    public let queue: any JobQueue
    /// The configuration it runs with.
    public let configuration: ServerConfiguration

    private init(
        auth: AuthService, storage: StorageService, jobs: PipelineJobs, pipelines: any PipelineRegistry, queue: any JobQueue,
        configuration: ServerConfiguration
    ) {
        self.pipelines = pipelines
        self.auth = auth
        self.storage = storage
        self.jobs = jobs
        self.queue = queue
        self.configuration = configuration
    }

    /// Opens (creating on first start) every store under ``ServerConfiguration/directory``.
    ///
    /// - Parameters:
    ///   - configuration: where and how.
    ///   - logger: the deployment's logger.
    public static func open(_ configuration: ServerConfiguration, logger: Logger) async throws(PipeError) -> Deployment {
        let root = URL(fileURLWithPath: configuration.directory, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw PipeError(.unavailable, "cannot create \(root.path): \(error.localizedDescription)")
        }
        var authConfiguration = AuthConfiguration(issuer: configuration.baseURL)
        authConfiguration.passwordHasher = try PasswordHasher(logCost: configuration.passwordHashCost)
        authConfiguration.providers = configuration.oauthProviders
        authConfiguration.redirectURIs = configuration.oauthRedirectURIs
        // Provider calls (discovery, code exchange, keys) go out through libcurl, only when providers are configured.
        let providerHTTP: CurlHTTPClient? = configuration.oauthProviders.isEmpty ? nil : try CurlHTTPClient()
        let auth = try await AuthService.embedded(
            directory: root.appendingPathComponent("auth"), configuration: authConfiguration, http: providerHTTP,
            logger: logger)
        let storage = try await StorageService.embedded(directory: root.appendingPathComponent("storage").path, logger: logger)
        let queue = try SQLiteJobQueue(path: root.appendingPathComponent("jobs.sqlite").path)
        // Jobs may not touch the server's files, and reach storage as the account that submitted them.
        var environment = PipelineEnvironment(storage: storage.acting(as: nil), fileAccess: .denied, logger: logger)
        environment.storageForOwner = { owner in storage.acting(as: Principal(id: owner)) }
        let jobs = PipelineJobs(
            queue: queue, leaseDuration: .seconds(configuration.jobLeaseSeconds), environment: environment)
        let pipelines = try SQLitePipelineRegistry(path: root.appendingPathComponent("pipelines.sqlite").path)
        return Deployment(
            auth: auth, storage: storage, jobs: jobs, pipelines: pipelines, queue: queue, configuration: configuration)
    }

    /// The admin created on first start, and its API key: shown once, never stored in the clear or logged.
    public struct FirstAdmin: Sendable {
        /// The admin service account.
        public let account: User
        /// Its API key.
        public let apiKey: String
    }

    /// Creates the first admin (a service account with the `admin` role and an API key) unless one was made
    /// before; `nil` when it was.
    ///
    /// A marker file records that it happened, written only after the key exists, so a crash in between makes a
    /// fresh admin at the next start rather than none.
    public func bootstrapAdmin() async throws(PipeError) -> FirstAdmin? {
        let marker = URL(fileURLWithPath: configuration.directory).appendingPathComponent("admin-created")
        guard !FileManager.default.fileExists(atPath: marker.path) else { return nil }
        // The bootstrap acts as a principal that exists only for this call: the deployment itself.
        let deployment = Principal(id: try UserID("deployment"), kind: .serviceAccount, roles: [AccessPolicy.adminRole])
        let admin = try await auth.createServiceAccount(name: "admin", roles: [AccessPolicy.adminRole], as: deployment)
        let key = try await auth.createAPIKey(for: admin.id, name: "first admin key", as: deployment)
        do {
            try Data(admin.id.rawValue.utf8).write(to: marker, options: .atomic)
        } catch {
            throw PipeError(.unavailable, "cannot write \(marker.path): \(error.localizedDescription)")
        }
        return FirstAdmin(account: admin, apiKey: key.key)
    }
}

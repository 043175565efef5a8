import Foundation
import Logging
import PipeAuth
import PipeClient
import PipeCore
import PipePipeline
import PipeStorage

/// A whole Pipe deployment in one process on the embedded defaults: PipeClient's `EmbeddedServices` (auth, storage,
/// the job queue with its workers, the pipeline registry under one directory) set up from a ``ServerConfiguration``.
public final class Deployment: Sendable {
    /// The services.
    public let services: EmbeddedServices
    /// The configuration it runs with.
    public let configuration: ServerConfiguration

    /// Accounts, sign-in, tokens.
    public var auth: AuthService { services.auth }
    /// Buckets and objects.
    public var storage: StorageService { services.storage }
    /// Pipeline jobs and the in-process workers.
    public var jobs: PipelineJobs { services.jobs }
    /// Registered pipeline definitions.
    public var pipelines: any PipelineRegistry { services.pipelines }
    /// The queue the jobs wait in.
    public var queue: any JobQueue { services.queue }

    private init(services: EmbeddedServices, configuration: ServerConfiguration) {
        self.services = services
        self.configuration = configuration
    }

    /// Opens (creating on first start) every store under ``ServerConfiguration/directory``.
    ///
    /// - Parameters:
    ///   - configuration: where and how.
    ///   - logger: the deployment's logger.
    public static func open(_ configuration: ServerConfiguration, logger: Logger) async throws(PipeError) -> Deployment {
        var options = EmbeddedServices.Options()
        options.issuer = configuration.baseURL
        options.passwordHashCost = configuration.passwordHashCost
        options.oauthProviders = configuration.oauthProviders
        options.oauthRedirectURIs = configuration.oauthRedirectURIs
        options.jobLeaseSeconds = configuration.jobLeaseSeconds
        let services = try await EmbeddedServices.open(directory: configuration.directory, options: options, logger: logger)
        return Deployment(services: services, configuration: configuration)
    }

    /// The admin created on first start (see `EmbeddedServices.bootstrapAdmin()`).
    public typealias FirstAdmin = EmbeddedServices.FirstAdmin

    /// Creates the first admin unless one was made before; `nil` when it was.
    public func bootstrapAdmin() async throws(PipeError) -> FirstAdmin? {
        try await services.bootstrapAdmin()
    }
}

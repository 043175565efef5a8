import Hummingbird
import Logging
import NIOCore
import PipeCore

/// What every request carries through the gateway: its id (echoed in `X-Request-Id`, logged, and put in error
/// bodies) and, once the authentication middleware ran, the caller.
public struct PipeRequestContext: RequestContext {
    /// Hummingbird's own per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The authenticated caller; `nil` for anonymous requests.
    public var principal: Principal?
    /// The peer's IP address (the direct peer: a proxy, when there is one).
    public let peerAddress: String?
    /// Why the request's credentials were refused, when they were: the rate limiter answers it (charging the
    /// client's address against the strict sign-in budget, so guessing tokens or keys is throttled like guessing
    /// passwords) and the request goes no further.
    var credentialError: PipeError?

    /// A context for a new request.
    ///
    /// - Parameter source: the channel the request arrived on.
    public init(source: Source) {
        coreContext = .init(source: source)
        principal = nil
        credentialError = nil
        peerAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Uploads stream through the storage routes, which bound them by bucket; JSON routes bound their own bodies.
    public var maxUploadSize: Int { .max }

    /// The request id Hummingbird assigned (its logger carries it too).
    public var requestID: String { id }
}

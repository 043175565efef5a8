import Foundation

/// Whether and where the client follows `3xx` redirects.
///
/// Off by default: a redirect is returned as the response. When following, `303` (and `301`/`302`
/// after a `POST`) become a `GET` without body; `307`/`308` repeat the method and body, which needs
/// a body that can be sent again (bytes or a file; a stream cannot). Credentials (`Authorization`,
/// `Cookie`, `Proxy-Authorization`) are dropped when a redirect leaves the original origin.
public struct RedirectPolicy: Sendable, Hashable {
    /// The most redirects one request may follow; one more fails with `protocol_error`.
    public var maximum: Int
    /// Whether a redirect may lead to another scheme, host or port.
    public var allowsCrossOrigin: Bool

    /// Never follow: the `3xx` response is the result.
    public static let none = RedirectPolicy(maximum: 0, allowsCrossOrigin: false)

    /// Follow up to `maximum` redirects within the same origin (scheme, host and port).
    public static func sameOrigin(maximum: Int = 5) -> RedirectPolicy {
        RedirectPolicy(maximum: maximum, allowsCrossOrigin: false)
    }

    /// Follow up to `maximum` redirects anywhere (never from HTTPS down to HTTP).
    public static func anyOrigin(maximum: Int = 5) -> RedirectPolicy {
        RedirectPolicy(maximum: maximum, allowsCrossOrigin: true)
    }

    /// Makes a policy.
    public init(maximum: Int, allowsCrossOrigin: Bool) {
        self.maximum = max(0, maximum)
        self.allowsCrossOrigin = allowsCrossOrigin
    }

    static func origin(of url: URL) -> String {
        let scheme = url.scheme?.lowercased() ?? ""
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(url.host?.lowercased() ?? ""):\(port)"
    }
}

/// An HTTP request method, such as `GET`.
///
/// A struct with static members rather than an enum, so that extension methods (`PROPFIND`, …) are values too and
/// adding one later breaks no `switch`. Methods are case-sensitive: `get` is not `GET`.
///
/// ```swift
/// let request = HTTPRequest(method: .post, url: url)
/// let purge = HTTPMethod("PURGE")!
/// ```
public struct HTTPMethod: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
    /// The method's name as sent on the wire.
    public let rawValue: String

    /// Makes a method from its name, or `nil` when the name is not an RFC 9110 token (empty, or holding spaces,
    /// control characters or separators), which would corrupt the request line.
    public init?(_ name: String) {
        guard !name.isEmpty, name.utf8.allSatisfy(ASCIISet.httpToken.contains) else { return nil }
        self.rawValue = name
    }

    /// Same as ``init(_:)``, for `RawRepresentable`.
    public init?(rawValue: String) {
        self.init(rawValue)
    }

    private init(known name: String) {
        self.rawValue = name
    }

    /// The method's name.
    public var description: String { rawValue }

    /// `GET`: read a resource.
    public static let get = HTTPMethod(known: "GET")
    /// `HEAD`: `GET` without the body.
    public static let head = HTTPMethod(known: "HEAD")
    /// `POST`: create or act.
    public static let post = HTTPMethod(known: "POST")
    /// `PUT`: replace a resource.
    public static let put = HTTPMethod(known: "PUT")
    /// `DELETE`: remove a resource.
    public static let delete = HTTPMethod(known: "DELETE")
    /// `PATCH`: change part of a resource.
    public static let patch = HTTPMethod(known: "PATCH")
    /// `OPTIONS`: ask what a resource supports (CORS preflight).
    public static let options = HTTPMethod(known: "OPTIONS")
    /// `CONNECT`: open a tunnel.
    public static let connect = HTTPMethod(known: "CONNECT")
    /// `TRACE`: echo the request back.
    public static let trace = HTTPMethod(known: "TRACE")
}

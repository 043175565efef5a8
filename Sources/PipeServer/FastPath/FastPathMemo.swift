import PipeCore

/// What the previous fast-path request on a connection looked up, kept by the connection's ``RawFastPathHandler``:
/// a client most often asks again for the same target with the same credential, and reusing the parsed target and
/// the rate-limit key saves a validation and an allocation per request. Nothing here decides access: the credential,
/// the object and the limiter are checked on every request.
struct FastPathMemo {
    private var target: String?
    private var object: (BucketName, ObjectKey)?
    private var principal: String?
    private var client: String?
    private var key = ""

    /// The bucket and key `target` names (see ``ObjectFastPath/target(_:)``).
    mutating func object(at target: String) -> (BucketName, ObjectKey)? {
        if target == self.target { return object }
        self.target = target
        object = ObjectFastPath.target(target)
        return object
    }

    /// The rate-limit key of a caller with the principal id `principal` (as ``RateLimitMiddleware`` forms it).
    mutating func rateKey(principal: String) -> String {
        if principal != self.principal {
            self.principal = principal
            client = nil
            key = "default/principal/" + principal
        }
        return key
    }

    /// The rate-limit key of an anonymous caller at `client`.
    mutating func rateKey(client: String) -> String {
        if client != self.client {
            self.client = client
            principal = nil
            key = "default/ip/" + client
        }
        return key
    }
}

import PipeCore

/// What the previous fast-path request on a connection looked up, kept by the connection's ``RawFastPathHandler``:
/// a client most often asks again for the same target with the same credential, and reusing the parsed target and
/// the rate-limit key saves a validation and an allocation per request. Nothing here decides access: the credential,
/// the object and the limiter are checked on every request.
struct FastPathMemo {
    private var target: String?
    private var object: (BucketName, ObjectKey)?
    /// Who the last rate-limit key was for.
    private var caller: (id: String, isPrincipal: Bool)?
    private var key = ""

    /// The bucket and key `target` names (see ``ObjectFastPath/target(_:)``).
    mutating func object(at target: String) -> (BucketName, ObjectKey)? {
        if target == self.target { return object }
        self.target = target
        object = ObjectFastPath.target(target)
        return object
    }

    /// The rate-limit key of a caller with the principal id `id` (as ``RateLimitMiddleware`` forms it).
    mutating func rateKey(principal id: String) -> String {
        rateKey(id, isPrincipal: true)
    }

    /// The rate-limit key of an anonymous caller at the address `id`.
    mutating func rateKey(client id: String) -> String {
        rateKey(id, isPrincipal: false)
    }

    private mutating func rateKey(_ id: String, isPrincipal: Bool) -> String {
        if caller?.id != id || caller?.isPrincipal != isPrincipal {
            caller = (id, isPrincipal)
            key = (isPrincipal ? "default/principal/" : "default/ip/") + id
        }
        return key
    }
}

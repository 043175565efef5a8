import Logging
import PipeCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension AuthService {
    /// Rotates the signing key when it is due (or `force`), deletes keys that no longer verify, and loads the
    /// result. Run it periodically (the server does, hourly); signing also rotates when no key is active.
    ///
    /// With configured ``AuthConfiguration/signingKeys`` there is nothing to rotate and this only reloads them.
    ///
    /// - Parameter force: rotate even if the current key is young (after a suspected compromise, together with
    ///   revoking the old key's sessions).
    /// - Returns: the id of the key created, if one was.
    @discardableResult
    public func rotateKeysIfDue(force: Bool = false) async throws(PipeError) -> String? {
        guard configuration.signingKeys.isEmpty else { return nil }
        let result = try await KeyRotation.rotateIfDue(
            store: store, settings: configuration.tokens, now: clock(), force: force)
        try await tokens.install(keys: result.keys)
        if let created = result.created {
            await audit(.keyRotated, ["created": created.id, "algorithm": created.algorithm.rawValue])
        }
        for id in result.deleted { await audit(.keyRotated, ["deleted": id]) }
        return result.created?.id
    }

    /// Deletes a signing key at once, after a suspected compromise: tokens it signed stop verifying now (their
    /// users refresh and get tokens from another key), and it leaves the JWKS. When it was the signing key, a new
    /// one is made.
    ///
    /// - Parameters:
    ///   - id: the key's `kid`.
    ///   - principal: an admin.
    public func retireSigningKey(_ id: String, as principal: Principal?) async throws(PipeError) {
        try requireAdmin(principal)
        guard configuration.signingKeys.isEmpty else {
            throw PipeError(.conflict, "configured signing keys are retired by changing the configuration")
        }
        guard try await store.deleteSigningKey(id) else { throw PipeError(.notFound, "no signing key \(id)") }
        await audit(.keyRotated, ["deleted": id, "reason": "retired", "by": principal?.id.rawValue ?? "-"])
        try await reloadKeys()
        if tokens.needsRotation(at: clock()) { try await rotateKeysIfDue(force: true) }
    }

    /// How often a replica reloads the keys from the store on its own: a rotation or a retired key on another
    /// replica reaches every replica within this time.
    static let keyRefreshInterval: Duration = .seconds(60)

    /// Reloads the keys when the last scheduled reload is older than ``keyRefreshInterval``. A store that cannot be
    /// reached is logged, not thrown: verification goes on with the keys loaded.
    func reloadKeysIfStale() async {
        guard configuration.signingKeys.isEmpty else { return }
        let now = ContinuousClock.now
        let due = lastScheduledKeyReload.withLock { last -> Bool in
            guard now - last >= Self.keyRefreshInterval else { return false }
            last = now
            return true
        }
        guard due else { return }
        do { try await reloadKeys() } catch {
            logger.warning("could not reload signing keys", metadata: ["error": "\(error)"])
        }
    }

    /// Loads the keys from the store again: another replica may have rotated.
    public func reloadKeys() async throws(PipeError) {
        guard configuration.signingKeys.isEmpty else { return }
        try await tokens.install(keys: try await store.signingKeys())
    }

    /// The JWKS document other services verify Pipe's access tokens with.
    public func jwks() throws(PipeError) -> JSONValue { try tokens.jwks(at: clock()) }

    /// Signs an access token, rotating first when no key signs now.
    func issueAccessToken(_ claims: AccessToken) async throws(PipeError) -> String {
        await reloadKeysIfStale()
        if configuration.signingKeys.isEmpty && tokens.needsRotation(at: claims.issuedAt) {
            try await rotateKeysIfDue()
        }
        return try tokens.issue(claims)
    }
}

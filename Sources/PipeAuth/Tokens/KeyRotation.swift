import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Keeps a fresh signing key in the store: the newest key signs for one rotation interval, then a new one takes
/// over while the old one keeps verifying until the last token it signed has expired, and is then deleted.
///
/// Rotation is idempotent and safe to run from several replicas: a replica that finds a key it did not create
/// simply loads it (two replicas rotating at the same instant both publish their key, and both verify).
enum KeyRotation {
    /// Rotates when no key signs at `now` or the signing key is older than the rotation interval; deletes keys
    /// that no longer verify. Returns the keys to load.
    static func rotateIfDue(
        store: any AuthStore, settings: TokenSettings, now: Date, force: Bool = false
    ) async throws(PipeError) -> (keys: [SigningKey], created: SigningKey?, deleted: [String]) {
        let deleted = try await store.deleteSigningKeys(expiredBefore: now)
        var keys = try await store.signingKeys()
        let signer = keys.filter { $0.createdAt <= now && now < $0.signsUntil }.max { $0.createdAt < $1.createdAt }
        let due = force || signer.map { now.timeIntervalSince($0.createdAt) >= TimeInterval(settings.rotationInterval) } ?? true
        guard due else { return (keys, nil, deleted) }
        // Whole seconds: the times survive the store's round trip exactly, so the new key signs at `now` itself.
        let start = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let signsUntil = start.addingTimeInterval(TimeInterval(settings.rotationInterval))
        let key = try SigningKey.generate(
            settings.algorithm, createdAt: start, signsUntil: signsUntil,
            verifiesUntil: signsUntil.addingTimeInterval(
                TimeInterval(settings.accessTokenLifetime + settings.leeway)))
        try await store.insertSigningKey(key)
        try await store.endSigning(
            before: key.id, at: start,
            verifyingUntil: start.addingTimeInterval(TimeInterval(settings.accessTokenLifetime + settings.leeway)))
        keys = try await store.signingKeys()
        return (keys, key, deleted)
    }
}

extension AccessTokens {
    /// Whether a new key should sign: none signs at `now`, or the signer is older than the rotation interval.
    func needsRotation(at now: Date) -> Bool {
        guard let signer = signingKey(at: now) else { return true }
        return now.timeIntervalSince(signer.createdAt) >= TimeInterval(settings.rotationInterval)
    }
}

import Crypto
import JWTKit
import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A signing key loaded for use: its record, the jwt-kit algorithm object built from it, and for ES256 the
/// swift-crypto public key.
struct LoadedKey: Sendable, JWTSigningFunction {
    let key: SigningKey
    let algorithm: any JWTAlgorithm
    /// ES256 signatures are checked with swift-crypto's P-256 directly (what jwt-kit calls too): through jwt-kit's
    /// existential `DataProtocol` and `Digest` layers the same check costs about 15% more, which is most of the
    /// budget strict verification has over a raw signature check.
    let p256: P256.Signing.PublicKey?

    init(key: SigningKey, algorithm: any JWTAlgorithm) throws(PipeError) {
        self.key = key
        self.algorithm = algorithm
        if key.algorithm == .es256 {
            do {
                p256 = try P256.Signing.PrivateKey(pemRepresentation: key.material).publicKey
            } catch {
                throw PipeError(.invalidArgument, "the material of key \(key.id) is not a P-256 key")
            }
        } else {
            p256 = nil
        }
    }

    func signature(for input: [UInt8]) throws(PipeError) -> [UInt8] {
        do { return try algorithm.sign(input) } catch {
            throw PipeError(.internalError, "signing with key \(key.id) failed: \(error)")
        }
    }

    func verifies(_ signature: [UInt8], for input: ArraySlice<UInt8>) -> Bool {
        if let p256 {
            // Exactly r ‖ s, 32 bytes each; swift-crypto refuses r or s outside [1, n - 1] (so r = s = 0).
            guard signature.count == 64, let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
            else { return false }
            return p256.isValidSignature(parsed, for: input)
        }
        return (try? algorithm.verify(signature, signs: input)) ?? false
    }
}

/// The keys a deployment signs and verifies access tokens with, by `kid`; immutable, swapped whole on rotation.
struct KeyRing: Sendable {
    let keys: [String: LoadedKey]

    

    static func load(_ records: [SigningKey]) async throws(PipeError) -> KeyRing {
        var keys: [String: LoadedKey] = [:]
        for record in records {
            keys[record.id] = try LoadedKey(key: record, algorithm: try await record.jwtAlgorithm())
        }
        return KeyRing(keys: keys)
    }

    /// The key that signs at `date`: the newest one whose signing period covers it.
    func signer(at date: Date) -> LoadedKey? {
        keys.values.filter { $0.key.createdAt <= date && date < $0.key.signsUntil }
            .max { ($0.key.createdAt, $0.key.id) < ($1.key.createdAt, $1.key.id) }
    }
}

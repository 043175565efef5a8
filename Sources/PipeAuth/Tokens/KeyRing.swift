import JWTKit
import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A signing key loaded for use: its record and the jwt-kit algorithm object built from it.
struct LoadedKey: Sendable, JWTSigningFunction {
    let key: SigningKey
    let algorithm: any JWTAlgorithm

    func signature(for input: [UInt8]) throws(PipeError) -> [UInt8] {
        do { return try algorithm.sign(input) } catch {
            throw PipeError(.internalError, "signing with key \(key.id) failed: \(error)")
        }
    }

    func verifies(_ signature: [UInt8], for input: ArraySlice<UInt8>) -> Bool {
        (try? algorithm.verify(signature, signs: input)) ?? false
    }
}

/// The keys a deployment signs and verifies access tokens with, by `kid`; immutable, swapped whole on rotation.
struct KeyRing: Sendable {
    let keys: [String: LoadedKey]

    static let empty = KeyRing(keys: [:])

    static func load(_ records: [SigningKey]) async throws(PipeError) -> KeyRing {
        var keys: [String: LoadedKey] = [:]
        for record in records {
            keys[record.id] = LoadedKey(key: record, algorithm: try await record.jwtAlgorithm())
        }
        return KeyRing(keys: keys)
    }

    /// The key that signs at `date`: the newest one whose signing period covers it.
    func signer(at date: Date) -> LoadedKey? {
        keys.values.filter { $0.key.createdAt <= date && date < $0.key.signsUntil }
            .max { ($0.key.createdAt, $0.key.id) < ($1.key.createdAt, $1.key.id) }
    }
}

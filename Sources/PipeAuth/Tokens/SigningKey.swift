import Crypto
import JWTKit
import PipeCore
import _CryptoExtras

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A key that signs access tokens, with the times that bound its life.
///
/// A key signs from `createdAt` until `signsUntil` (when the next rotation makes a newer key the signer), and
/// verifies until `verifiesUntil` (the last token it signed has expired by then). Keys live in the auth store;
/// the private material never leaves it except to be loaded into ``AccessTokens``.
public struct SigningKey: Sendable, Hashable {
    /// The key id (`kid`): 22 base64url characters (128 random bits), or the name given to a configured key.
    public let id: String
    /// The one algorithm this key signs and verifies with.
    public let algorithm: SigningAlgorithm
    /// When the key was made.
    public let createdAt: Date
    /// Until when the key signs new tokens.
    public var signsUntil: Date
    /// Until when tokens signed with the key are accepted.
    public var verifiesUntil: Date
    /// The private material: a PEM document for ES256 and RS256, lowercase hex for HS256.
    package let material: String

    package init(
        id: String, algorithm: SigningAlgorithm, createdAt: Date, signsUntil: Date, verifiesUntil: Date,
        material: String
    ) {
        self.id = id
        self.algorithm = algorithm
        self.createdAt = createdAt
        self.signsUntil = signsUntil
        self.verifiesUntil = verifiesUntil
        self.material = material
    }

    /// The shortest HMAC secret accepted: 32 bytes, the output size of SHA-256 (RFC 7518 §3.2).
    public static let minimumHMACSecretBytes = 32

    /// A new key with fresh random material.
    ///
    /// - Parameters:
    ///   - algorithm: the algorithm; RSA keys are 2048 bits.
    ///   - createdAt: when its life starts.
    ///   - signsUntil: until when it signs.
    ///   - verifiesUntil: until when it verifies.
    public static func generate(
        _ algorithm: SigningAlgorithm, createdAt: Date, signsUntil: Date, verifiesUntil: Date
    ) throws(PipeError) -> SigningKey {
        let material: String
        switch algorithm {
        case .es256:
            material = P256.Signing.PrivateKey().pemRepresentation
        case .rs256:
            do {
                material = try _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation
            } catch {
                throw PipeError(.internalError, "could not generate an RSA key: \(error)")
            }
        case .hs256:
            var generator = SystemRandomNumberGenerator()
            material = Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        return SigningKey(
            id: randomKeyID(), algorithm: algorithm, createdAt: createdAt, signsUntil: signsUntil,
            verifiesUntil: verifiesUntil, material: material)
    }

    /// A key from configured material: a PEM private key for ES256/RS256, or a secret for HS256.
    ///
    /// - Parameters:
    ///   - id: the `kid` to publish and require (1–64 characters of `[A-Za-z0-9._-]`).
    ///   - algorithm: the key's algorithm.
    ///   - pem: the PEM private key (ES256: P-256; RS256: at least 2048 bits).
    ///   - secret: the HMAC secret (HS256), at least ``minimumHMACSecretBytes`` bytes.
    ///   - createdAt: when its life starts.
    ///   - verifiesUntil: until when it verifies (and signs).
    /// - Throws: `invalid_argument` for a malformed id, unreadable material, or a short HMAC secret (a
    ///   deployment with a guessable secret must not start).
    public static func configured(
        id: String, algorithm: SigningAlgorithm, pem: String? = nil, secret: [UInt8]? = nil,
        createdAt: Date, verifiesUntil: Date
    ) throws(PipeError) -> SigningKey {
        guard isValidKeyID(id) else {
            throw PipeError(.invalidArgument, "a key id must be 1–64 characters of letters, digits, '.', '_' or '-'")
        }
        let material: String
        switch algorithm {
        case .hs256:
            guard let secret, secret.count >= minimumHMACSecretBytes else {
                throw PipeError(
                    .invalidArgument,
                    "an HS256 secret must be at least \(minimumHMACSecretBytes) bytes (got \(secret?.count ?? 0))")
            }
            material = Hex.encode(secret)
        case .es256, .rs256:
            guard let pem else { throw PipeError(.invalidArgument, "a \(algorithm.rawValue) key needs a PEM private key") }
            material = pem
        }
        let key = SigningKey(
            id: id, algorithm: algorithm, createdAt: createdAt, signsUntil: verifiesUntil,
            verifiesUntil: verifiesUntil, material: material)
        try key.validateMaterial()  // refuse unreadable material now, not on the first request
        return key
    }

    static func isValidKeyID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                    true
                default: false
                }
            }
    }

    private static func randomKeyID() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Checks that the material reads as a key of ``algorithm``.
    func validateMaterial() throws(PipeError) {
        do {
            switch algorithm {
            case .es256: _ = try ES256PrivateKey(pem: material)
            case .rs256: _ = try Insecure.RSA.PrivateKey(pem: material)
            case .hs256:
                guard let secret = Hex.decode(material), secret.count >= Self.minimumHMACSecretBytes else {
                    throw PipeError(.invalidArgument, "the HS256 secret of key \(id) is too short")
                }
            }
        } catch let error as PipeError {
            throw error
        } catch {
            throw PipeError(.invalidArgument, "the material of key \(id) is not a \(algorithm.rawValue) key: \(error)")
        }
    }

    /// The jwt-kit algorithm object that signs and verifies with this key.
    ///
    /// jwt-kit keeps its signer types internal and hands them out through `JWTKeyCollection`; the collection is
    /// used once here and never for verification, because its lookup falls back to a default key when a token's
    /// `kid` is missing or unknown.
    func jwtAlgorithm() async throws(PipeError) -> any JWTAlgorithm {
        try validateMaterial()
        let collection = JWTKeyCollection()
        let kid = JWKIdentifier(string: id)
        do {
            switch algorithm {
            case .es256: await collection.add(ecdsa: try ES256PrivateKey(pem: material), kid: kid)
            case .rs256: await collection.add(rsa: try Insecure.RSA.PrivateKey(pem: material), digestAlgorithm: .sha256, kid: kid)
            case .hs256: await collection.add(hmac: HMACKey(from: Hex.decode(material) ?? []), digestAlgorithm: .sha256, kid: kid)
            }
            return try await collection.getKey(for: kid)
        } catch {
            throw PipeError(.invalidArgument, "the material of key \(id) could not be loaded: \(error)")
        }
    }

    /// The public key as a JWK (RFC 7517), or `nil` for HMAC keys, which are never published.
    func publicJWK() throws(PipeError) -> JSONValue? {
        var members: [(String, JSONValue)] = [("kid", .string(id)), ("alg", .string(algorithm.rawValue)), ("use", "sig")]
        do {
            switch algorithm {
            case .es256:
                let key = try P256.Signing.PrivateKey(pemRepresentation: material).publicKey
                let raw = Array(key.rawRepresentation)  // x ‖ y, 32 bytes each
                members += [
                    ("kty", "EC"), ("crv", "P-256"), ("x", .string(Base64URL.encode(raw[0..<32]))),
                    ("y", .string(Base64URL.encode(raw[32..<64]))),
                ]
            case .rs256:
                let primitives = try _RSA.Signing.PrivateKey(pemRepresentation: material).publicKey.getKeyPrimitives()
                members += [
                    ("kty", "RSA"), ("n", .string(Base64URL.encode(primitives.modulus))),
                    ("e", .string(Base64URL.encode(primitives.publicExponent))),
                ]
            case .hs256:
                return nil
            }
        } catch {
            throw PipeError(.internalError, "the public part of key \(id) could not be derived: \(error)")
        }
        return .object(JSONObject(members))
    }
}

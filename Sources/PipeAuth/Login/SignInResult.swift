#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The outcome of a correct password.
public enum SignInResult: Sendable, Hashable {
    /// Signed in: the session's first tokens.
    case signedIn(TokenPair)
    /// The account has a second factor: complete with ``AuthService/completeSecondFactor(challenge:code:)``.
    case secondFactorRequired(SecondFactorChallenge)
}

/// A password login waiting for its second factor.
public struct SecondFactorChallenge: Sendable, Hashable {
    /// The opaque challenge to send back with the code (valid for 5 minutes and 5 attempts).
    public let token: String
    /// When it expires.
    public let expiresAt: Date
}

/// A TOTP secret being enrolled: show it (or its URI as a QR code), then confirm with a code.
public struct TOTPEnrolment: Sendable, Hashable {
    /// The secret in base32, for manual entry.
    public let secret: String
    /// The `otpauth://` URI authenticator apps scan.
    public let provisioningURI: String
}

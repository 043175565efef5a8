import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What a verified access token says about its bearer.
public struct AccessToken: Sendable, Hashable {
    /// The account (`sub`).
    public let subject: UserID
    /// User or service account.
    public let kind: Principal.Kind
    /// The session the token was issued for (`sid`), when it came from a login.
    public let sessionID: SessionID?
    /// The account's roles when the token was issued.
    public let roles: Set<String>
    /// The scopes granted (`scope`, space-separated in the token).
    public let scopes: Set<String>
    /// How the bearer authenticated (`amr`, RFC 8176): `pwd`, `otp`, `mfa`, `fed` (an identity provider), `rec`
    /// (a recovery code).
    public let methods: [String]
    /// When it was issued (`iat`).
    public let issuedAt: Date
    /// When it stops being accepted (`exp`).
    public let expiresAt: Date
    /// The token's unique id (`jti`).
    public let tokenID: String

    /// The principal to authorize requests as.
    public var principal: Principal { Principal(id: subject, kind: kind, roles: roles, scopes: scopes) }

    /// Makes the claims of a token to issue.
    ///
    /// - Parameters:
    ///   - subject: the account.
    ///   - kind: user or service account.
    ///   - sessionID: the session, if any.
    ///   - roles: the account's roles.
    ///   - scopes: the granted scopes.
    ///   - methods: the `amr` values.
    ///   - issuedAt: issue time.
    ///   - expiresAt: expiry.
    ///   - tokenID: the `jti`.
    public init(
        subject: UserID, kind: Principal.Kind, sessionID: SessionID?, roles: Set<String>, scopes: Set<String>,
        methods: [String], issuedAt: Date, expiresAt: Date, tokenID: String
    ) {
        self.subject = subject
        self.kind = kind
        self.sessionID = sessionID
        self.roles = roles
        self.scopes = scopes
        self.methods = methods
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.tokenID = tokenID
    }
}

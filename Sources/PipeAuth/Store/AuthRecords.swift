import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An account as stored: a user or a service account, with its credentials (hashed) and second factor.
package struct AccountRecord: Sendable, Hashable {
    package var id: UserID
    package var kind: Principal.Kind
    /// Lowercased and trimmed; `nil` for service accounts and for users known only through a provider that gave
    /// no verified email.
    package var email: String?
    package var emailVerified: Bool
    package var displayName: String
    package var roles: Set<String>
    /// A PHC scrypt string, or `nil` when the account cannot sign in with a password.
    package var passwordHash: String?
    /// The TOTP secret (confirmed or pending), hex.
    package var totpSecret: String?
    package var totpConfirmed: Bool
    /// The last TOTP step accepted: a code is good once.
    package var totpLastStep: Int64?
    /// SHA-256 hashes of the unused recovery codes.
    package var recoveryCodeHashes: [String]
    package var disabled: Bool
    package var createdAt: Date

    package init(
        id: UserID, kind: Principal.Kind, email: String?, emailVerified: Bool, displayName: String,
        roles: Set<String>, passwordHash: String?, createdAt: Date
    ) {
        self.id = id
        self.kind = kind
        self.email = email
        self.emailVerified = emailVerified
        self.displayName = displayName
        self.roles = roles
        self.passwordHash = passwordHash
        totpSecret = nil
        totpConfirmed = false
        totpLastStep = nil
        recoveryCodeHashes = []
        disabled = false
        self.createdAt = createdAt
    }
}

/// A link between an account and an identity at a provider (`google`, `github`, or a configured OIDC name).
package struct IdentityRecord: Sendable, Hashable {
    package var provider: String
    /// The provider's stable subject id (`sub`, or GitHub's numeric id).
    package var subject: String
    package var userID: UserID
    package var email: String?
    package var createdAt: Date

    package init(provider: String, subject: String, userID: UserID, email: String? = nil, createdAt: Date) {
        self.provider = provider
        self.subject = subject
        self.userID = userID
        self.email = email
        self.createdAt = createdAt
    }
}

/// A login session and the state of its refresh-token chain.
package struct SessionRecord: Sendable, Hashable {
    package var id: SessionID
    package var userID: UserID
    package var methods: [String]
    package var createdAt: Date
    package var lastUsedAt: Date
    package var absoluteExpiry: Date
    /// SHA-256 (hex) of the refresh token that is valid now.
    package var currentTokenHash: String
    /// SHA-256 (hex) of the token the current one replaced, with when and with which nonce: lets a racing refresh
    /// with that token, inside the grace interval, get the same current token back.
    package var previousTokenHash: String?
    package var previousRotatedAt: Date?
    package var rotationNonce: String?
    package var generation: Int
    package var revokedAt: Date?
    package var revokedReason: String?
    /// What the client said it is (user agent), bounded; for the session list.
    package var client: String?

    package init(
        id: SessionID, userID: UserID, methods: [String], createdAt: Date, lastUsedAt: Date, absoluteExpiry: Date,
        currentTokenHash: String, previousTokenHash: String? = nil, previousRotatedAt: Date? = nil,
        rotationNonce: String? = nil, generation: Int, revokedAt: Date? = nil, revokedReason: String? = nil,
        client: String? = nil
    ) {
        self.id = id
        self.userID = userID
        self.methods = methods
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.absoluteExpiry = absoluteExpiry
        self.currentTokenHash = currentTokenHash
        self.previousTokenHash = previousTokenHash
        self.previousRotatedAt = previousRotatedAt
        self.rotationNonce = rotationNonce
        self.generation = generation
        self.revokedAt = revokedAt
        self.revokedReason = revokedReason
        self.client = client
    }
}

/// Where a presented refresh token sits in its session's chain.
package enum RefreshTokenPosition: Sendable, Equatable {
    /// The valid token.
    case current
    /// The token the current one replaced.
    case previous
    /// An older token: presenting it is reuse.
    case retired
}

/// A stored API key (the secret only as its hash).
package struct APIKeyRecord: Sendable, Hashable {
    package var id: String
    package var accountID: UserID
    package var name: String
    package var scopes: Set<String>
    package var secretHash: String
    package var createdAt: Date
    package var expiresAt: Date?
    package var lastUsedAt: Date?
    package var revokedAt: Date?

    package init(
        id: String, accountID: UserID, name: String, scopes: Set<String>, secretHash: String, createdAt: Date,
        expiresAt: Date? = nil, lastUsedAt: Date? = nil, revokedAt: Date? = nil
    ) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.scopes = scopes
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}

/// An OAuth login in progress, stored under the hash of its `state`.
package struct LoginAttemptRecord: Sendable, Hashable {
    package var stateHash: String
    package var provider: String
    package var redirectURI: String
    package var codeVerifier: String
    package var nonce: String
    /// The account to link the identity to, when a signed-in user started the flow to link a provider.
    package var linkTo: UserID?
    /// The session that started the linking flow: it must still be live when the flow completes.
    package var linkSession: SessionID?
    package var createdAt: Date
    package var expiresAt: Date

    package init(
        stateHash: String, provider: String, redirectURI: String, codeVerifier: String, nonce: String,
        linkTo: UserID? = nil, linkSession: SessionID? = nil, createdAt: Date, expiresAt: Date
    ) {
        self.stateHash = stateHash
        self.provider = provider
        self.redirectURI = redirectURI
        self.codeVerifier = codeVerifier
        self.nonce = nonce
        self.linkTo = linkTo
        self.linkSession = linkSession
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// A password login waiting for its second factor, stored under the hash of its challenge token.
package struct PendingLoginRecord: Sendable, Hashable {
    package var challengeHash: String
    package var userID: UserID
    package var methods: [String]
    package var client: String?
    package var attempts: Int
    package var expiresAt: Date

    package init(
        challengeHash: String, userID: UserID, methods: [String], client: String? = nil, attempts: Int, expiresAt: Date
    ) {
        self.challengeHash = challengeHash
        self.userID = userID
        self.methods = methods
        self.client = client
        self.attempts = attempts
        self.expiresAt = expiresAt
    }
}

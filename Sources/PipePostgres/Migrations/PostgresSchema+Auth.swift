extension PostgresSchema {
    /// The auth store's tables (mirrors SQLiteAuthStore's schema, its migrations folded into one).
    ///
    /// Dates are seconds since 1970 in `DOUBLE PRECISION` and lists are JSON text, as SQLite stores them, so records
    /// round-trip exactly; an account's rows in other tables go with it (`ON DELETE CASCADE`), as do a session's
    /// retired refresh tokens.
    static let auth: [PostgresMigration] = [
        PostgresMigration(
            name: "pipe_auth_v1",
            statements: [
                """
                CREATE TABLE pipe_auth_accounts (
                    id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    email TEXT UNIQUE,
                    email_verified BOOLEAN NOT NULL,
                    display_name TEXT NOT NULL,
                    roles TEXT NOT NULL,
                    password_hash TEXT,
                    totp_secret TEXT,
                    totp_confirmed BOOLEAN NOT NULL DEFAULT FALSE,
                    totp_last_step BIGINT,
                    recovery_codes TEXT NOT NULL DEFAULT '[]',
                    disabled BOOLEAN NOT NULL DEFAULT FALSE,
                    created_at DOUBLE PRECISION NOT NULL
                )
                """,
                """
                CREATE TABLE pipe_auth_identities (
                    provider TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    user_id TEXT NOT NULL REFERENCES pipe_auth_accounts (id) ON DELETE CASCADE,
                    email TEXT,
                    created_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (provider, subject)
                )
                """,
                "CREATE INDEX pipe_auth_identities_user ON pipe_auth_identities (user_id)",
                """
                CREATE TABLE pipe_auth_sessions (
                    id TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES pipe_auth_accounts (id) ON DELETE CASCADE,
                    methods TEXT NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    last_used_at DOUBLE PRECISION NOT NULL,
                    absolute_expiry DOUBLE PRECISION NOT NULL,
                    current_hash TEXT NOT NULL UNIQUE,
                    previous_hash TEXT,
                    previous_rotated_at DOUBLE PRECISION,
                    rotation_nonce TEXT,
                    generation BIGINT NOT NULL,
                    revoked_at DOUBLE PRECISION,
                    revoked_reason TEXT,
                    client TEXT
                )
                """,
                "CREATE INDEX pipe_auth_sessions_user ON pipe_auth_sessions (user_id, created_at)",
                "CREATE INDEX pipe_auth_sessions_previous ON pipe_auth_sessions (previous_hash)",
                "CREATE INDEX pipe_auth_sessions_revoked ON pipe_auth_sessions (revoked_at)",
                """
                CREATE TABLE pipe_auth_retired_refresh_tokens (
                    hash TEXT PRIMARY KEY,
                    session_id TEXT NOT NULL REFERENCES pipe_auth_sessions (id) ON DELETE CASCADE
                )
                """,
                """
                CREATE INDEX pipe_auth_retired_refresh_tokens_session
                ON pipe_auth_retired_refresh_tokens (session_id)
                """,
                """
                CREATE TABLE pipe_auth_api_keys (
                    id TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL REFERENCES pipe_auth_accounts (id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    scopes TEXT NOT NULL,
                    secret_hash TEXT NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    expires_at DOUBLE PRECISION,
                    last_used_at DOUBLE PRECISION,
                    revoked_at DOUBLE PRECISION
                )
                """,
                "CREATE INDEX pipe_auth_api_keys_account ON pipe_auth_api_keys (account_id)",
                """
                CREATE TABLE pipe_auth_signing_keys (
                    id TEXT PRIMARY KEY,
                    algorithm TEXT NOT NULL,
                    material TEXT NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    signs_until DOUBLE PRECISION NOT NULL,
                    verifies_until DOUBLE PRECISION NOT NULL
                )
                """,
                """
                CREATE TABLE pipe_auth_login_attempts (
                    state_hash TEXT PRIMARY KEY,
                    provider TEXT NOT NULL,
                    redirect_uri TEXT NOT NULL,
                    code_verifier TEXT NOT NULL,
                    nonce TEXT NOT NULL,
                    link_to TEXT,
                    link_session TEXT,
                    created_at DOUBLE PRECISION NOT NULL,
                    expires_at DOUBLE PRECISION NOT NULL
                )
                """,
                """
                CREATE TABLE pipe_auth_pending_logins (
                    challenge_hash TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES pipe_auth_accounts (id) ON DELETE CASCADE,
                    methods TEXT NOT NULL,
                    client TEXT,
                    attempts BIGINT NOT NULL,
                    expires_at DOUBLE PRECISION NOT NULL
                )
                """,
                """
                CREATE TABLE pipe_auth_login_failures (
                    key TEXT PRIMARY KEY,
                    failures BIGINT NOT NULL,
                    last_failure_at DOUBLE PRECISION NOT NULL,
                    locked_until DOUBLE PRECISION
                )
                """,
                """
                CREATE TABLE pipe_auth_audit_events (
                    sequence BIGSERIAL PRIMARY KEY,
                    at DOUBLE PRECISION NOT NULL,
                    kind TEXT NOT NULL,
                    user_id TEXT,
                    session_id TEXT,
                    details TEXT NOT NULL
                )
                """,
                "CREATE INDEX pipe_auth_audit_events_user ON pipe_auth_audit_events (user_id, sequence)",
                "CREATE INDEX pipe_auth_audit_events_at ON pipe_auth_audit_events (at)",
            ]),
    ]
}

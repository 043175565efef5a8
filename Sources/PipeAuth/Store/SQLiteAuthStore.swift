import Foundation
import GRDB
import PipeCore

/// The embedded auth store: one SQLite database (GRDB, WAL, `synchronous = FULL`).
///
/// Secrets are never stored in the clear: passwords as scrypt hashes, refresh tokens, API key secrets,
/// recovery codes, OAuth `state` values and second-factor challenges as SHA-256 hashes. The exceptions are what
/// the server must use itself: signing-key material and TOTP secrets, which is why the database file is created
/// readable by its owner only.
package final class SQLiteAuthStore: AuthStore {
    let database: DatabasePool
    /// One read-only connection for the point reads requests make, used synchronously only. Kept apart from the
    /// pool's readers: an asynchronous pool read gives its reader back on the Swift concurrency pool, so threads of
    /// that pool blocked waiting for a reader could wait forever; this connection is only ever held by synchronous
    /// reads, which give it back without needing any other thread.
    let pointReader: DatabaseQueue

    /// Opens (creating and migrating when needed) the database at `path`.
    package init(path: String) throws(PipeError) {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.label = "pipe.auth"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            let existed = FileManager.default.fileExists(atPath: path)
            database = try DatabasePool(path: path, configuration: configuration)
            if !existed { try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path) }
            try Self.migrator.migrate(database)
            var readOnly = Configuration()
            readOnly.readonly = true
            readOnly.busyMode = .timeout(30)
            readOnly.label = "pipe.auth.point-reads"
            pointReader = try DatabaseQueue(path: path, configuration: readOnly)
        } catch {
            throw PipeError(.unavailable, "cannot open the auth database at \(path): \(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("pipe_auth_v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE accounts (
                        id TEXT PRIMARY KEY,
                        kind TEXT NOT NULL,
                        email TEXT UNIQUE,
                        email_verified INTEGER NOT NULL,
                        display_name TEXT NOT NULL,
                        roles TEXT NOT NULL,
                        password_hash TEXT,
                        totp_secret TEXT,
                        totp_confirmed INTEGER NOT NULL DEFAULT 0,
                        totp_last_step INTEGER,
                        recovery_codes TEXT NOT NULL DEFAULT '[]',
                        disabled INTEGER NOT NULL DEFAULT 0,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE identities (
                        provider TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        user_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                        email TEXT,
                        created_at REAL NOT NULL,
                        PRIMARY KEY (provider, subject)
                    );
                    CREATE INDEX identities_user ON identities (user_id);
                    CREATE TABLE sessions (
                        id TEXT PRIMARY KEY,
                        user_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                        methods TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        last_used_at REAL NOT NULL,
                        absolute_expiry REAL NOT NULL,
                        current_hash TEXT NOT NULL UNIQUE,
                        previous_hash TEXT,
                        previous_rotated_at REAL,
                        rotation_nonce TEXT,
                        generation INTEGER NOT NULL,
                        revoked_at REAL,
                        revoked_reason TEXT,
                        client TEXT
                    );
                    CREATE INDEX sessions_user ON sessions (user_id, created_at);
                    CREATE INDEX sessions_previous ON sessions (previous_hash);
                    CREATE INDEX sessions_revoked ON sessions (revoked_at);
                    CREATE TABLE retired_refresh_tokens (
                        hash TEXT PRIMARY KEY,
                        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE
                    ) WITHOUT ROWID;
                    CREATE INDEX retired_refresh_tokens_session ON retired_refresh_tokens (session_id);
                    CREATE TABLE api_keys (
                        id TEXT PRIMARY KEY,
                        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        scopes TEXT NOT NULL,
                        secret_hash TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        expires_at REAL,
                        last_used_at REAL,
                        revoked_at REAL
                    );
                    CREATE INDEX api_keys_account ON api_keys (account_id);
                    CREATE TABLE signing_keys (
                        id TEXT PRIMARY KEY,
                        algorithm TEXT NOT NULL,
                        material TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        signs_until REAL NOT NULL,
                        verifies_until REAL NOT NULL
                    );
                    CREATE TABLE login_attempts (
                        state_hash TEXT PRIMARY KEY,
                        provider TEXT NOT NULL,
                        redirect_uri TEXT NOT NULL,
                        code_verifier TEXT NOT NULL,
                        nonce TEXT NOT NULL,
                        link_to TEXT,
                        created_at REAL NOT NULL,
                        expires_at REAL NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE pending_logins (
                        challenge_hash TEXT PRIMARY KEY,
                        user_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                        methods TEXT NOT NULL,
                        client TEXT,
                        attempts INTEGER NOT NULL,
                        expires_at REAL NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE login_failures (
                        key TEXT PRIMARY KEY,
                        failures INTEGER NOT NULL,
                        last_failure_at REAL NOT NULL,
                        locked_until REAL
                    ) WITHOUT ROWID;
                    CREATE TABLE audit_events (
                        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                        at REAL NOT NULL,
                        kind TEXT NOT NULL,
                        user_id TEXT,
                        session_id TEXT,
                        details TEXT NOT NULL
                    );
                    CREATE INDEX audit_events_user ON audit_events (user_id, sequence);
                    CREATE INDEX audit_events_at ON audit_events (at);
                    """)
        }
        migrator.registerMigration("pipe_auth_v2_link_session") { db in
            try db.execute(sql: "ALTER TABLE login_attempts ADD COLUMN link_session TEXT")
        }
        return migrator
    }

    /// Runs `body` in a write transaction, mapping database errors to `PipeError` (a constraint violation is a
    /// `conflict`).
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(PipeError) -> T {
        do {
            return try await database.write(body)
        } catch let error as PipeError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw PipeError(.conflict, "the record already exists")
        } catch {
            throw PipeError(.unavailable, "the auth database failed: \(error)")
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(PipeError) -> T {
        do {
            return try await database.read(body)
        } catch let error as PipeError {
            throw error
        } catch {
            throw PipeError(.unavailable, "the auth database failed: \(error)")
        }
    }

    /// A primary-key lookup, with a cached statement, on the calling thread: what every request authenticated by API
    /// key does.
    ///
    /// It takes microseconds from SQLite's page cache (WAL: writers never block it); the hop to GRDB's reader queue
    /// and back costs more than the read, and profiling `pipe serve` showed those thread switches as most of an
    /// authenticated request's time. Other reads go through ``read(_:)``.
    func pointRead<T>(_ sql: String, _ arguments: StatementArguments, _ map: (Row) throws -> T) throws(PipeError) -> T? {
        do {
            return try readOnCallingThread { db in
                try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments).map(map)
            }
        } catch let error as PipeError {
            throw error
        } catch {
            throw PipeError(.unavailable, "the auth database failed: \(error)")
        }
    }

    /// GRDB's synchronous read without a transaction (a single statement is atomic on its own, and the BEGIN and
    /// COMMIT around it cost more than the lookup), from a synchronous function so that overload is chosen.
    private func readOnCallingThread<T>(_ body: (Database) throws -> T) throws -> T {
        try pointReader.unsafeRead(body)
    }
}

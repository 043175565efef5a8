extension PostgresSchema {
    /// The storage metadata tables (mirrors SQLiteStorageMetadata's schema).
    ///
    /// Column for column the SQLite tables, in PostgreSQL types:
    /// - object keys are `BYTEA` (their UTF-8), because `BYTEA` compares byte by byte, the order listings promise,
    ///   whatever the database's collation; bucket names are `COLLATE "C"` so that `buckets()` sorts them byte-wise
    ///   as SQLite's `BINARY` collation does (in every table, so that comparing two of them uses the indexes);
    /// - JSON documents (settings, grants, user metadata, upload options) are `BYTEA` holding exactly the bytes the
    ///   SQLite store writes, so both stores encode and decode them with the same code;
    /// - dates are `DOUBLE PRECISION` seconds since 1970, which read back exactly as written (like SQLite's REAL).
    ///
    /// There are no foreign keys, as in SQLite: the store keeps the tables consistent in its transactions.
    static let storage: [PostgresMigration] = [
        PostgresMigration(
            name: "pipe_storage_v1",
            statements: [
                """
                CREATE TABLE pipe_storage_buckets (
                    name TEXT COLLATE "C" PRIMARY KEY,
                    settings BYTEA NOT NULL,
                    owner TEXT,
                    grants BYTEA NOT NULL,
                    bytes BIGINT NOT NULL DEFAULT 0,
                    objects BIGINT NOT NULL DEFAULT 0
                )
                """,
                """
                CREATE TABLE pipe_storage_objects (
                    bucket TEXT COLLATE "C" NOT NULL,
                    key BYTEA NOT NULL,
                    size BIGINT NOT NULL,
                    content_type TEXT NOT NULL,
                    etag TEXT NOT NULL,
                    cache_control TEXT,
                    metadata BYTEA,
                    created_at DOUBLE PRECISION NOT NULL,
                    updated_at DOUBLE PRECISION NOT NULL,
                    blob TEXT NOT NULL,
                    stored_size BIGINT NOT NULL,
                    master_key TEXT,
                    wrapped_key BYTEA,
                    PRIMARY KEY (bucket, key)
                )
                """,
                "CREATE INDEX pipe_storage_objects_blob ON pipe_storage_objects (blob)",
                """
                CREATE INDEX pipe_storage_objects_master_key ON pipe_storage_objects (master_key)
                WHERE master_key IS NOT NULL
                """,
                """
                CREATE TABLE pipe_storage_uploads (
                    id TEXT PRIMARY KEY,
                    bucket TEXT COLLATE "C" NOT NULL,
                    key BYTEA NOT NULL,
                    options BYTEA NOT NULL,
                    owner TEXT,
                    created_at DOUBLE PRECISION NOT NULL,
                    expires_at DOUBLE PRECISION NOT NULL
                )
                """,
                "CREATE INDEX pipe_storage_uploads_expiry ON pipe_storage_uploads (expires_at)",
                // Not in SQLite: deleting a bucket finds its sessions by this rather than by reading them all.
                "CREATE INDEX pipe_storage_uploads_bucket ON pipe_storage_uploads (bucket)",
                """
                CREATE TABLE pipe_storage_upload_parts (
                    upload TEXT NOT NULL,
                    number BIGINT NOT NULL,
                    size BIGINT NOT NULL,
                    sha256 TEXT NOT NULL,
                    blob TEXT NOT NULL,
                    stored_size BIGINT NOT NULL,
                    master_key TEXT,
                    wrapped_key BYTEA,
                    PRIMARY KEY (upload, number)
                )
                """,
                "CREATE INDEX pipe_storage_upload_parts_blob ON pipe_storage_upload_parts (blob)",
                """
                CREATE INDEX pipe_storage_upload_parts_master_key ON pipe_storage_upload_parts (master_key)
                WHERE master_key IS NOT NULL
                """,
            ]),
    ]
}

extension PostgresSchema {
    /// The job queue: one row per job. Partial indexes keep the claim, the lease sweep and pruning on small index
    /// ranges however many finished jobs the table holds.
    static let jobs: [PostgresMigration] = [
        PostgresMigration(
            name: "pipe_jobs_v1",
            statements: [
                """
                CREATE TABLE pipe_jobs (
                    seq BIGSERIAL PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    pipeline TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    updated_at DOUBLE PRECISION NOT NULL,
                    ready_at DOUBLE PRECISION NOT NULL,
                    error TEXT,
                    payload BYTEA NOT NULL,
                    lease_token TEXT,
                    lease_expires_at DOUBLE PRECISION,
                    idempotency_key TEXT UNIQUE,
                    owner TEXT
                )
                """,
                "CREATE INDEX pipe_jobs_ready ON pipe_jobs (ready_at, seq) WHERE state IN ('queued', 'retrying')",
                "CREATE INDEX pipe_jobs_leases ON pipe_jobs (lease_expires_at) WHERE state = 'running'",
                "CREATE INDEX pipe_jobs_dead ON pipe_jobs (seq) WHERE state = 'deadLettered'",
                "CREATE INDEX pipe_jobs_owner ON pipe_jobs (owner, seq)",
                """
                CREATE INDEX pipe_jobs_finished ON pipe_jobs (updated_at)
                WHERE state IN ('succeeded', 'failed', 'cancelled', 'deadLettered')
                """,
            ]),
    ]
}

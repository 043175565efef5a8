extension PostgresSchema {
    /// The pipeline registry: every version of every definition. Names compare byte-wise (`COLLATE "C"`), as in
    /// SQLite, so listings page in the same order on both backends.
    static let pipelines: [PostgresMigration] = [
        PostgresMigration(
            name: "pipe_pipelines_v1",
            statements: [
                """
                CREATE TABLE pipe_pipeline_versions (
                    owner TEXT NOT NULL,
                    name TEXT COLLATE "C" NOT NULL,
                    version INTEGER NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    definition BYTEA NOT NULL,
                    PRIMARY KEY (owner, name, version)
                )
                """
            ]),
    ]
}

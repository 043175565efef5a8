extension PostgresSchema {
    /// One-time steps of a deployment (creating the first admin), recorded once for every replica.
    static let deployment: [PostgresMigration] = [
        PostgresMigration(
            name: "pipe_deployment_v1",
            statements: [
                "CREATE TABLE pipe_deployment_steps (name TEXT PRIMARY KEY, done_at DOUBLE PRECISION NOT NULL)"
            ]),
    ]
}

import Logging
import NIOCore
import PipeCore
import PostgresNIO

/// One PostgreSQL database as Pipe's stores use it: a pooled `PostgresClient`, every statement's errors turned
/// into `PipeError`s, and transactions whose body may throw a `PipeError` that reaches the caller unwrapped.
///
/// Stores share one `PostgresDatabase` per process (one pool, one set of connections), opened with
/// ``open(url:schema:maxConnections:logger:)`` and closed with ``close()``.
public final class PostgresDatabase: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// Where it connects, without the password (for messages).
    public let endpoint: String
    /// The task running the pool; cancelled by `close()`.
    private let runner: Task<Void, Never>

    private init(client: PostgresClient, settings: PostgresSettings, logger: Logger) {
        self.client = client
        self.logger = logger
        endpoint = settings.endpoint
        // The pool needs `run()` for its whole life. It is not structured under a caller's task because stores open
        // from synchronous setup code and live as long as the deployment; `close()` ends it.
        let (started, signal) = AsyncStream<Void>.makeStream()
        self.started = started
        runner = Task {
            signal.finish()
            await client.run()
        }
    }

    /// Ends once the pool's task runs, so the first lease does not race `run()`.
    private let started: AsyncStream<Void>

    /// Connects to the database at `url` (`postgres://user[:password]@host[:port]/database[?sslmode=…]`) and checks
    /// that it answers.
    ///
    /// - Parameters:
    ///   - url: where; `sslmode` is `disable`, `prefer` (the default) or `require`.
    ///   - schema: the schema Pipe's tables live in (created when missing); `nil` for the server's `search_path`
    ///     (normally `public`). Several deployments can share one database in different schemas.
    ///   - maxConnections: the most connections this process opens (at least 4 with a ``PostgresJobQueue`` whose
    ///     notifications are on: its two listeners each hold one for good).
    ///   - logger: where the pool logs.
    /// - Throws: `invalid_argument` for a malformed URL or schema name; `unavailable` when the database does not
    ///   answer within the connect timeout.
    public static func open(
        url: String, schema: String? = nil, maxConnections: Int = 20, logger: Logger = Logger(label: "pipe.postgres")
    ) async throws(PipeError) -> PostgresDatabase {
        let settings = try PostgresSettings(url: url)
        var configuration = settings.clientConfiguration
        configuration.options.maximumConnections = max(1, maxConnections)
        if let schema {
            guard Self.isPlainIdentifier(schema) else {
                throw PipeError(
                    .invalidArgument, "a schema name is 1 to 63 lowercase letters, digits and underscores, not \(schema)")
            }
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        let database = PostgresDatabase(
            client: PostgresClient(configuration: configuration, backgroundLogger: logger), settings: settings,
            logger: logger)
        for await _ in database.started {}
        do throws(PipeError) {
            if let schema {
                do {
                    try await database.execute(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"))
                } catch {
                    // Two replicas creating it at once: the loser's IF NOT EXISTS can still fail on the catalog's
                    // unique index. The schema exists then, which is all that was asked.
                    guard try await !database.query("SELECT 1 FROM pg_namespace WHERE nspname = \(schema)").isEmpty
                    else { throw error }
                }
            } else {
                try await database.execute("SELECT 1")
            }
        } catch {
            database.close()
            throw error
        }
        return database
    }

    /// The server's current values of the named settings (`fsync`, `synchronous_commit`…), for reports of the
    /// durability a measurement ran with.
    public func serverSettings(_ names: [String]) async throws(PipeError) -> [String: String] {
        let rows = try await query("SELECT name, setting FROM pg_settings WHERE name = ANY(\(names))")
        var settings: [String: String] = [:]
        for row in rows {
            if let (name, value) = try? row.decode((String, String).self) { settings[name] = value }
        }
        return settings
    }

    /// Whether `name` can be used in SQL as it is (no quoting needed, nothing to inject).
    static func isPlainIdentifier(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count), let first = bytes.first, first == UInt8(ascii: "_") || (97...122).contains(first)
        else { return false }
        return bytes.allSatisfy { $0 == UInt8(ascii: "_") || (97...122).contains($0) || (48...57).contains($0) }
    }

    /// Stops the pool; statements after this fail with `unavailable`.
    public func close() {
        runner.cancel()
    }

    /// Runs one statement on its own (autocommit) and returns its rows.
    @discardableResult
    func query(_ query: PostgresQuery) async throws(PipeError) -> [PostgresRow] {
        do {
            return try await client.withConnection { connection in
                try await connection.query(query, logger: logger).collect()
            }
        } catch {
            throw pipeError(error)
        }
    }

    /// Runs one statement for its effect.
    func execute(_ query: PostgresQuery) async throws(PipeError) {
        try await self.query(query)
    }

    /// Runs `body` in one transaction (`READ COMMITTED`; bodies lock the rows they decide on with `FOR UPDATE`).
    /// A throw rolls it back; a `PipeError` from `body` reaches the caller as it was thrown.
    func transaction<T: Sendable>(_ body: (Transaction) async throws -> T) async throws(PipeError) -> T {
        do {
            return try await client.withConnection { connection in
                let transaction = Transaction(connection: connection, logger: logger)
                try await connection.query("BEGIN", logger: logger)
                do {
                    let value = try await body(transaction)
                    try await connection.query("COMMIT", logger: logger)
                    return value
                } catch {
                    // A failed rollback means the connection is broken; the pool drops it.
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch {
            throw pipeError(error)
        }
    }

    /// Runs `body` with a connection of its own (for `LISTEN`, which holds the connection).
    func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(PipeError) -> T {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw pipeError(error)
        }
    }

    /// A transaction's statements.
    struct Transaction {
        let connection: PostgresConnection
        let logger: Logger

        @discardableResult
        func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
            try await connection.query(query, logger: logger).collect()
        }

        /// The first row, if any.
        func one(_ query: PostgresQuery) async throws -> PostgresRandomAccessRow? {
            try await self.query(query).first?.makeRandomAccess()
        }

        /// How many rows the statement changed (its rows with `RETURNING 1`).
        func count(_ query: PostgresQuery) async throws -> Int {
            try await self.query(query).count
        }
    }

    func pipeError(_ error: any Error) -> PipeError {
        PostgresErrors.pipeError(error, endpoint: endpoint)
    }
}

/// The tables of every Pipe store in PostgreSQL, as forward-only migrations (one extension per store).
enum PostgresSchema {}

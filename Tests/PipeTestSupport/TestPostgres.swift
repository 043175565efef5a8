import Foundation

/// The PostgreSQL cluster `make test` starts (scripts/test-postgres.sh) and hands over in `PIPE_TEST_POSTGRES_URL`.
///
/// Suites add their PostgreSQL cases when ``enabled``: when the URL is set, and always on CI, where a missing URL
/// then fails those cases instead of silently skipping the backend.
public enum TestPostgres {
    /// The cluster's URL, if the tests run under `scripts/test-postgres.sh run`.
    public static var url: String? {
        ProcessInfo.processInfo.environment["PIPE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether the PostgreSQL cases run.
    public static var enabled: Bool {
        url != nil || ProcessInfo.processInfo.environment["CI"] == "true"
    }

    /// The URL, or an error saying how to get one.
    public static func requireURL() throws -> String {
        guard let url else {
            throw TestServerError(
                "PIPE_TEST_POSTGRES_URL is not set: run the tests with `make test` or under scripts/test-postgres.sh run")
        }
        return url
    }

    /// A schema name no other test uses, so tests sharing the cluster never see each other's rows.
    public static func freshSchema() -> String {
        "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(24)
    }

    /// The backends a contract suite runs against: `embedded` always, then "postgres" when ``enabled``.
    public static func kinds(_ embedded: [String]) -> [String] {
        embedded + (enabled ? ["postgres"] : [])
    }
}

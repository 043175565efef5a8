import ArgumentParser
import Foundation
import PipeCore
import PipePostgres

/// `pipe migrate`: bring a PostgreSQL database's schema up to this build.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring a scaled-out deployment's PostgreSQL schema up to this build; prints what it applied.",
        discussion: """
            Migrations only ever move forward and each runs in its own transaction under an advisory lock, \
            so running this from several replicas at once applies each exactly once. A database that a \
            newer Pipe has migrated is refused (exit 1). With --check nothing is changed: exit 0 when the \
            schema is current, 1 (listing what is missing) when it is not.
            """
    )

    @Option(name: .long, help: "The database URL (postgres://user[:password]@host[:port]/name); PIPE_DATABASE_URL by default.")
    var database: String?

    @Option(name: .customLong("database-schema"), help: "The schema Pipe's tables are in (PIPE_DATABASE_SCHEMA).")
    var schema: String?

    @Flag(name: .long, help: "Only check that the schema is current.")
    var check = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let url = database ?? environment["PIPE_DATABASE_URL"], !url.isEmpty else {
            CommandOutput.fail(PipeError(.invalidArgument, "give --database or set PIPE_DATABASE_URL"), exitCode: 2)
        }
        do {
            let database = try await PostgresDatabase.open(
                url: url, schema: schema ?? environment["PIPE_DATABASE_SCHEMA"], maxConnections: 2)
            defer { database.close() }
            if check {
                try await PostgresMigrator.requireCurrent(database)
                print("the schema is current")
            } else {
                let applied = try await PostgresMigrator.migrate(database)
                print(applied.isEmpty ? "the schema was current" : applied.map { "applied \($0)" }.joined(separator: "\n"))
            }
        } catch {
            CommandOutput.fail(error, exitCode: 1)
        }
    }
}

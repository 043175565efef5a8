import ArgumentParser

/// The `pipe` command-line tool.
@main
struct PipeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipe",
        abstract: "Pipe: authentication, file storage and data pipelines behind one API.",
        subcommands: [
            QueryCommand.self, RunCommand.self, SubmitCommand.self, WorkerCommand.self, JobCommand.self,
            JobsCommand.self, StorageCommand.self, ServeCommand.self, MigrateCommand.self, LoginCommand.self, LogoutCommand.self,
            BucketsClientCommand.self, ObjectsClientCommand.self, PipelinesClientCommand.self,
        ]
    )
}

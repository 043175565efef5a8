import PostgresNIO

/// `LISTEN`s on one channel on a pooled connection of its own, handing each notification's payload to `handler`,
/// until stopped; reconnects with backoff when the connection breaks (the database restarted), and calls `handler`
/// with `nil` after every (re)subscription, since notifications sent while it was away are lost.
final class NotificationListener: Sendable {
    private let task: Task<Void, Never>

    init(database: PostgresDatabase, channel: String, handler: @escaping @Sendable (String?) -> Void) {
        task = Task { await Self.listen(database: database, channel: channel, handler: handler) }
    }

    deinit {
        task.cancel()
    }

    func stop() {
        task.cancel()
    }

    private static func listen(
        database: PostgresDatabase, channel: String, handler: @escaping @Sendable (String?) -> Void
    ) async {
        var delay: Duration = .milliseconds(100)
        while !Task.isCancelled {
            do {
                try await database.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        handler(nil)
                        delay = .milliseconds(100)
                        for try await notification in notifications { handler(notification.payload) }
                    }
                }
            } catch {
                // The connection broke or the database is restarting: subscribe again after a pause.
            }
            guard !Task.isCancelled else { return }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
    }
}

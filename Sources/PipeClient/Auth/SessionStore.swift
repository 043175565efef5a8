import Foundation
import PipeCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a client keeps its signed-in session between runs. Calls are quick and synchronous (a small file at most),
/// so a sign-out can never be overtaken by a save of the session it ended.
public protocol SessionStore: Sendable {
    /// The saved session, if any.
    func load() throws(PipeError) -> SessionTokens?
    /// Saves `tokens`, replacing what was saved.
    func save(_ tokens: SessionTokens) throws(PipeError)
    /// Forgets the saved session.
    func clear() throws(PipeError)
}

/// A session kept in memory only: gone when the process ends.
public final class MemorySessionStore: SessionStore {
    private let saved = Mutex<SessionTokens?>(nil)

    /// An empty store.
    public init() {}

    public func load() throws(PipeError) -> SessionTokens? { saved.withLock { $0 } }
    public func save(_ tokens: SessionTokens) throws(PipeError) { saved.withLock { $0 = tokens } }
    public func clear() throws(PipeError) { saved.withLock { $0 = nil } }
}

/// A session kept in a JSON file readable by its owner only (mode 0600), written atomically: a CLI's login that
/// survives the process.
public final class FileSessionStore: SessionStore {
    /// The file.
    public let path: String

    /// A store in the file at `path` (created on the first save, with its directory).
    public init(path: String) {
        self.path = path
    }

    public func load() throws(PipeError) -> SessionTokens? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try JSONDecoder().decode(SessionTokens.self, from: data)
        } catch {
            throw PipeError(.invalidArgument, "the saved session in \(path) cannot be read: \(error.localizedDescription)")
        }
    }

    public func save(_ tokens: SessionTokens) throws(PipeError) {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString)")
            guard FileManager.default.createFile(
                atPath: temporary.path, contents: try JSONEncoder().encode(tokens), attributes: [.posixPermissions: 0o600])
            else { throw PipeError(.unavailable, "cannot write \(temporary.path)") }
            // rename(2) replaces the old file in one step: a reader sees the old session or the new one.
            guard rename(temporary.path, url.path) == 0 else {
                try? FileManager.default.removeItem(at: temporary)
                throw PipeError(.unavailable, "cannot replace \(path): \(String(cString: strerror(errno)))")
            }
        } catch let error as PipeError {
            throw error
        } catch {
            throw PipeError(.unavailable, "cannot save the session to \(path): \(error.localizedDescription)")
        }
    }

    public func clear() throws(PipeError) {
        guard FileManager.default.fileExists(atPath: path) else { return }
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw PipeError(.unavailable, "cannot remove \(path): \(error.localizedDescription)")
        }
    }
}

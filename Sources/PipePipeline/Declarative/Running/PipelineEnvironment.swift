import Foundation
import Logging
import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a declarative run may reach outside itself: files, a storage service, and the program's own transforms.
///
/// Definitions are data and may come from users, so nothing is reachable unless the embedding program says so:
/// files only where ``fileAccess`` allows, storage only when ``storage`` is set.
///
/// ```swift
/// var transforms = PipelineTransforms()
/// transforms.register("geocode") { record, options in [try await geocode(record)] }
/// let environment = PipelineEnvironment(storage: storage, transforms: transforms, fileAccess: .within("/data"))
/// let result = try await definition.compile(transforms: transforms).execute(environment: environment)
/// ```
public struct PipelineEnvironment: Sendable {
    /// The storage service `storage` sources and sinks read and write; `nil` refuses them.
    public var storage: (any ObjectStorage)?
    /// How a job with an owner reaches storage: as that account, so it reads and writes exactly what its submitter
    /// may. When `nil` (or for jobs without an owner) jobs use ``storage``.
    public var storageForOwner: (@Sendable (UserID) -> any ObjectStorage)?
    /// The program's registered transforms, for `custom` steps: ``PipelineJobs`` compiles job definitions with
    /// them. (A definition the program compiles itself takes its transforms in
    /// ``PipelineDefinition/compile(transforms:)``.)
    public var transforms: PipelineTransforms
    /// Which files `file` sources and sinks may open.
    public var fileAccess: FileAccess
    /// Where runs log (start, end, failures, dead letters), with the pipeline's name as metadata.
    public var logger: Logger

    /// Makes an environment; by default no storage, no custom transforms, and files anywhere (the embedded
    /// default, where definitions are the program's own).
    public init(
        storage: (any ObjectStorage)? = nil, transforms: PipelineTransforms = PipelineTransforms(),
        fileAccess: FileAccess = .anywhere, logger: Logger = Logger(label: "pipe.pipeline")
    ) {
        self.logger = logger
        self.storage = storage
        self.transforms = transforms
        self.fileAccess = fileAccess
    }

    /// Which files a run may open.
    public enum FileAccess: Sendable, Hashable {
        /// No files: `file` sources and sinks fail with `forbidden`.
        case denied
        /// Any path the process can open.
        case anywhere
        /// Paths inside this directory only (relative paths are resolved against it; `..` may not leave it).
        case within(String)
    }

    /// The path to open for `path`, or `forbidden`.
    func resolve(_ path: String) throws(PipeError) -> String {
        switch fileAccess {
        case .denied:
            throw PipeError(.forbidden, "this run may not open files (\(path))", details: ["path": path])
        case .anywhere:
            return path
        case .within(let given):
            // A relative root is relative to the current directory, like any relative path.
            let root = given.hasPrefix("/") ? given : FileManager.default.currentDirectoryPath + "/" + given
            var parts: [Substring] = []
            let joined = path.hasPrefix("/") ? path : root + "/" + path
            for part in joined.split(separator: "/") {
                if part == "." || part.isEmpty { continue }
                if part == ".." {
                    guard !parts.isEmpty else { break }
                    parts.removeLast()
                } else {
                    parts.append(part)
                }
            }
            let resolved = "/" + parts.joined(separator: "/")
            let base = "/" + root.split(separator: "/").joined(separator: "/")
            guard Self.isInside(resolved, base) else {
                throw PipeError(.forbidden, "\(path) is outside \(root)", details: ["path": path])
            }
            // Symbolic links inside the directory may point out of it: compare the real paths too (of the file,
            // or of its directory for a file not written yet).
            let realBase = Self.realPath(base) ?? base
            let parent = String(resolved[..<(resolved.lastIndex(of: "/") ?? resolved.startIndex)])
            let name = resolved[(resolved.lastIndex(of: "/") ?? resolved.startIndex)...]
            if let real = Self.realPath(resolved) ?? Self.realPath(parent.isEmpty ? "/" : parent).map({ $0 + name }),
                !Self.isInside(real, realBase)
            {
                throw PipeError(.forbidden, "\(path) leads outside \(root)", details: ["path": path])
            }
            return resolved
        }
    }

    static func isInside(_ path: String, _ base: String) -> Bool {
        path == base || path.hasPrefix(base == "/" ? "/" : base + "/")
    }

    /// The path with every symbolic link resolved, `nil` when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    func requireStorage() throws(PipeError) -> any ObjectStorage {
        guard let storage else {
            throw PipeError(.unavailable, "this run has no storage service for a storage source or sink")
        }
        return storage
    }
}

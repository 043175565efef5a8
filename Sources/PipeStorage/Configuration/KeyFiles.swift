#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Keys an embedded deployment makes for itself on first start, kept in files only the owner can read.
///
/// Zero configuration must still mean encrypted at rest and unforgeable URLs; a production deployment passes its
/// keys in ``StorageConfiguration`` instead (from a secret store), and these files are never made.
struct KeyFiles {
    let directory: String

    /// `master.key` holds `<id> <base64>`.
    func masterKey() throws(PipeError) -> MasterKey {
        let path = directory + "/master.key"
        if let text = try read(path) {
            let fields = text.split(separator: " ")
            guard fields.count == 2 else { throw PipeError(.dataCorrupted, "\(path) is not `<id> <base64>`") }
            return try MasterKey(id: String(fields[0]), base64: String(fields[1]))
        }
        let key = try MasterKey.generate(id: "local-1")
        try write("\(key.id) \(key.base64)", to: path)
        return try masterKey()  // the file's key, which is another process's if it won the race
    }

    /// `signing.key` holds 32 random bytes as base64.
    func signingSecret() throws(PipeError) -> [UInt8] {
        let path = directory + "/signing.key"
        if let text = try read(path) {
            guard let bytes = Data(base64Encoded: text), bytes.count >= 32 else {
                throw PipeError(.dataCorrupted, "\(path) does not hold a base64 key of at least 32 bytes")
            }
            return [UInt8](bytes)
        }
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try write(Data(secret).base64EncodedString(), to: path)
        return try signingSecret()
    }

    /// The file's first line, or `nil` when there is no file; a file that exists but cannot be read is an error
    /// (never a reason to make a new key over it).
    private func read(_ path: String) throws(PipeError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipeError(.unavailable, "\(path) exists but cannot be read", details: ["path": path])
        }
        return String(String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first ?? "")
    }

    /// Writes a new key file atomically with mode 0600; if another process made one first, its key wins.
    private func write(_ text: String, to path: String) throws(PipeError) {
        try POSIX.makeDirectory(directory)
        let temporary = "\(path).\(getpid()).partial"
        let descriptor = try POSIX.open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { POSIX.close(descriptor) }
        try POSIX.writeAll(descriptor, Array((text + "\n").utf8), path: temporary)
        try POSIX.fsync(descriptor, path: temporary)
        // link(2) fails when the target exists, so two first starts racing cannot replace each other's key.
        if link(temporary, path) != 0 && errno != EEXIST {
            throw POSIX.failure("link", path)
        }
        POSIX.unlink(temporary)
        try POSIX.fsyncDirectory(directory)
    }
}

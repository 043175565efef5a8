import Foundation
import PipeCore

/// Where `pipe run` writes its JSON Lines: standard output, or a file that appears only when the
/// run succeeds (written beside it under a temporary name, then renamed).
struct RunSink {
    let path: String?
    let temporary: String?
    let handle: FileHandle
    var writer = JSONWriter(capacity: 1 << 17)

    init(path: String?) throws(PipeError) {
        self.path = path
        guard let path else {
            temporary = nil
            handle = FileHandle.standardOutput
            return
        }
        let temporary = path + ".partial-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporary)
        else {
            throw PipeError(.unavailable, "cannot create \(temporary)")
        }
        self.temporary = temporary
        self.handle = handle
    }

    mutating func write(_ record: JSONValue) throws(PipeError) {
        writer.write(record)
        writer.appendRaw(0x0A)
        if writer.bytes.count >= 1 << 16 { try flush() }
    }

    mutating func flush() throws(PipeError) {
        guard !writer.bytes.isEmpty else { return }
        do {
            try handle.write(contentsOf: writer.bytes)
        } catch {
            throw PipeError(.unavailable, "writing the output failed: \(error)")
        }
        writer.reset()
    }

    /// Flushes and, for a file, moves it into place.
    mutating func commit() throws(PipeError) {
        try flush()
        guard let path, let temporary else { return }
        do {
            try handle.synchronize()
            try handle.close()
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch {
            throw PipeError(.unavailable, "cannot move the output into place at \(path): \(error)")
        }
    }

    /// Drops a partial output file after a failed run.
    func abandon() {
        guard let temporary else { return }
        try? handle.close()
        try? FileManager.default.removeItem(atPath: temporary)
    }
}

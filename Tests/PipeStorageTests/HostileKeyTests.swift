import Foundation
import PipeCore
import PipeStorage
import Testing

/// Keys built to escape the store: each is either refused as a key, or stored as an ordinary object, and in both
/// cases nothing appears outside the store's directory.
@Suite("Hostile keys")
struct HostileKeyTests {
    static let hostile: [String] = [
        "../escape", "../../etc/passwd", "a/../../b", "./a", "a/./b", "a/..", "..", ".", "/etc/passwd", "/",
        "a//b", "a/", "a\\..\\..\\b", "..\\escape", "C:\\Windows\\win.ini", "a\u{0}b", "a\nb", "\u{7F}",
        "%2e%2e/%2e%2e/escape", "..%2fescape", "%00", "....//....//escape", "..;/escape", "~/.ssh/id_rsa",
        "$(touch /tmp/pwned)", "`id`", "a/b/../../../c", "\u{2025}/escape", "\u{FF0E}\u{FF0E}/escape",
        "..\u{2215}escape", String(repeating: "../", count: 300), String(repeating: "a", count: 1025),
        "é/../../x", "blobs/../../escape", "tmp/../storage.sqlite", "storage.sqlite", "keys/master.key",
    ]

    @Test("no hostile key writes outside the store, or over the store's own files")
    func traversal() async throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: parent) }
        let fixture = try await StorageFixture(directory: parent.appendingPathComponent("store").path)
        let storage = fixture.storage
        let bucket = BucketName.named("target")
        _ = try await storage.createBucket(bucket, as: StorageFixture.alice)
        let ownFiles = Set(fixture.files())
        var stored = 0
        for raw in Self.hostile {
            guard let key = try? ObjectKey(raw) else { continue }
            let payload = Array("payload for \(raw)".utf8)
            try await storage.putObject(payload, in: bucket, at: key, options: PutObjectOptions(upsert: true), as: StorageFixture.alice)
            #expect(try await storage.getObject(in: bucket, at: key, as: StorageFixture.alice).bytes == payload)
            stored += 1
        }
        #expect(stored > 5 && stored < Self.hostile.count)
        for rejected in ["../escape", "a/../b", "a//b", "a\\b", "a\u{0}b", "/etc/passwd", "a/"] {
            #expect(throws: PipeError.self) { try ObjectKey(rejected) }
        }
        // Only the store's directory holds anything, and its own files are intact.
        let siblings = try FileManager.default.contentsOfDirectory(atPath: parent.path)
        #expect(siblings == ["store"])
        let files = fixture.files()
        #expect(ownFiles.isSubset(of: Set(files)))
        for file in files where !ownFiles.contains(file) {
            #expect(file.hasPrefix("blobs/") || file.hasPrefix("storage.sqlite"), "unexpected file \(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/pwned"))
        #expect(try await storage.listObjects(in: bucket, as: StorageFixture.alice).objects.count == stored)
    }
}

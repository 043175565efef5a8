import Crypto
import PipeCore

/// The parts of an upload, one after another, each checked against the SHA-256 recorded when it was acknowledged.
struct PartsSource: ChunkSource {
    let service: StorageService
    let parts: [PartRecord]
    private var index = 0
    private var current: PlaintextReader?
    private var hasher = SHA256()

    init(service: StorageService, parts: [PartRecord]) {
        self.service = service
        self.parts = parts
    }

    var knownSize: Int64? { parts.reduce(0) { $0 + $1.size } }

    mutating func nextChunk() async throws(PipeError) -> [UInt8]? {
        while index < parts.count {
            let part = parts[index]
            if current == nil {
                let blob = try await service.blobs.openBlob(part.location.blob)
                current = PlaintextReader(
                    blob: blob, size: part.size, key: try service.dataKey(of: part.location), range: 0..<part.size,
                    chunkSize: service.configuration.chunkSize)
                hasher = SHA256()
            }
            if let chunk = try await current?.next() {
                hasher.update(data: chunk)
                return chunk
            }
            await current?.blob.close()
            current = nil
            index += 1
            guard StorageService.hex(hasher.finalize()) == part.sha256 else {
                throw PipeError(
                    .dataCorrupted, "part \(part.number) no longer matches the hash recorded when it was acknowledged",
                    details: ["part": "\(part.number)"])
            }
        }
        return nil
    }
}

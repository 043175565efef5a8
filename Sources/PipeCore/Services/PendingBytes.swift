import Synchronization

/// Bytes handed out once: the single chunk of ``ObjectStorage``'s default ``ObjectStorage/readObject(in:at:)``.
final class PendingBytes: Sendable {
    private let bytes: Mutex<[UInt8]?>

    init(_ bytes: [UInt8]) {
        self.bytes = Mutex(bytes)
    }

    /// The bytes the first time (nothing for an empty object), `nil` afterwards.
    func take() -> [UInt8]? {
        bytes.withLock { bytes in
            defer { bytes = nil }
            return bytes?.isEmpty == true ? nil : bytes
        }
    }
}

/// An object read in full: its record and its bytes.
public struct StoredObject: Sendable, Hashable {
    /// The object's record, as ``ObjectStorage/headObject(in:at:)`` returns it.
    public var info: ObjectInfo
    /// The object's bytes: all `info.size` of them, or for a ranged read the bytes of the range asked for.
    public var bytes: [UInt8]

    /// Makes a stored object.
    public init(info: ObjectInfo, bytes: [UInt8]) {
        self.info = info
        self.bytes = bytes
    }
}

/// The members of a JSON object: unique string keys in insertion order.
///
/// Lookups scan a small object linearly (typical records have a handful of keys, where a scan
/// beats hashing) and switch to a hash index once an object grows past ``indexThreshold`` members.
public struct JSONObject: Sendable {
    /// One key-value member.
    public struct Member: Sendable, Hashable {
        /// The member's name.
        public let key: String
        /// The member's value.
        public var value: JSONValue
        /// ``JSONObject/fingerprint(of:)`` of `key`, compared before the key itself on lookups.
        @usableFromInline let fingerprint: UInt64

        /// A member; its key fingerprint is computed here.
        @inlinable public init(key: String, value: JSONValue) {
            self.init(key: key, value: value, fingerprint: JSONObject.fingerprint(of: key))
        }

        @inlinable init(key: String, value: JSONValue, fingerprint: UInt64) {
            self.key = key
            self.value = value
            self.fingerprint = fingerprint
        }
    }

    /// A 64-bit FNV-1a hash of a key's UTF-8 bytes. Two keys with different fingerprints differ,
    /// so a lookup compares strings only when fingerprints match — one integer compare per member
    /// instead of a string comparison.
    @inlinable
    public static func fingerprint(of key: String) -> UInt64 {
        var hash = FNV.offsetBasis
        for byte in key.utf8 { hash = FNV.step(hash, byte) }
        return hash
    }

    /// The FNV-1a constants, shared with the parser, which hashes keys straight from the input bytes.
    @usableFromInline
    enum FNV {
        @usableFromInline static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) @usableFromInline
        static func step(_ hash: UInt64, _ byte: UInt8) -> UInt64 { (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    }

    /// Objects with more members than this keep a hash index.
    public static let indexThreshold = 32

    @usableFromInline var members: [Member]
    @usableFromInline var index: [String: Int]?

    /// An empty object.
    @inlinable
    public init() {
        members = []
        index = nil
    }

    /// An object with room for `capacity` members.
    @inlinable
    public init(minimumCapacity capacity: Int) {
        members = []
        members.reserveCapacity(capacity)
        index = nil
    }

    /// An object from members whose keys the caller guarantees are unique.
    @usableFromInline
    init(uniqueMembers: [Member]) {
        members = uniqueMembers
        index = nil
        if members.count > Self.indexThreshold { buildIndex() }
    }

    /// An object from key-value pairs; a later duplicate key replaces the earlier value in place.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, JSONValue) {
        self.init()
        for (key, value) in pairs { self[key] = value }
    }

    /// The number of members.
    @inlinable public var count: Int { members.count }
    /// `true` when there are no members.
    @inlinable public var isEmpty: Bool { members.isEmpty }
    /// The keys in insertion order.
    public var keys: [String] { members.map(\.key) }
    /// The values in insertion order.
    public var values: [JSONValue] { members.map(\.value) }

    @inlinable
    func position(of key: String) -> Int? {
        if let index { return index[key] }
        return position(of: key, fingerprint: Self.fingerprint(of: key))
    }

    @inlinable
    func position(of key: String, fingerprint: UInt64) -> Int? {
        if let index { return index[key] }
        for i in members.indices where members[i].fingerprint == fingerprint && members[i].key == key { return i }
        return nil
    }

    /// The value for a prepared key; assigning `nil` removes the member.
    @inlinable
    public subscript(key: JSONKey) -> JSONValue? {
        get {
            guard let i = position(of: key.name, fingerprint: key.fingerprint) else { return nil }
            return members[i].value
        }
        set {
            if let i = position(of: key.name, fingerprint: key.fingerprint) {
                if let newValue { members[i].value = newValue } else { remove(at: i) }
            } else if let newValue {
                append(Member(key: key.name, value: newValue, fingerprint: key.fingerprint))
            }
        }
    }

    /// The value for `key`; assigning `nil` removes the member.
    @inlinable
    public subscript(key: String) -> JSONValue? {
        get { self[JSONKey(key)] }
        set { self[JSONKey(key)] = newValue }
    }

    /// Appends a member without checking for an existing key; the caller guarantees uniqueness.
    @inlinable
    public mutating func appendUnchecked(key: String, value: JSONValue) {
        append(Member(key: key, value: value))
    }

    @inlinable
    mutating func append(_ member: Member) {
        members.append(member)
        if index != nil {
            index![member.key] = members.count - 1
        } else if members.count > Self.indexThreshold {
            buildIndex()
        }
    }

    @usableFromInline
    mutating func buildIndex() {
        var built = [String: Int](minimumCapacity: members.count * 2)
        for (i, member) in members.enumerated() { built[member.key] = i }
        index = built
    }

    @usableFromInline
    mutating func remove(at i: Int) {
        members.remove(at: i)
        index = nil
        if members.count > Self.indexThreshold { buildIndex() }
    }
}

extension JSONObject: RandomAccessCollection {
    public typealias Index = Int
    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { members.count }
    @inlinable public subscript(position: Int) -> Member { members[position] }
}

extension JSONObject: Equatable, Hashable {
    /// Two objects are equal when they have the same keys with equal values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for member in lhs.members {
            guard let other = rhs[member.key], other == member.value else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent: combine the members' hashes commutatively.
        var sum = 0
        for member in members {
            var h = Hasher()
            h.combine(member.key)
            h.combine(member.value)
            sum = sum &+ h.finalize()
        }
        hasher.combine(count)
        hasher.combine(sum)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}

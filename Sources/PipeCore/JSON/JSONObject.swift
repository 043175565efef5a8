/// The members of a JSON object: unique string keys in insertion order.
///
/// Lookups scan a small object linearly (typical records have a handful of keys, where a scan
/// beats hashing) and switch to a hash index once an object grows past ``indexThreshold`` members.
public struct JSONObject: Sendable {
    /// One key-value member.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONValue
        @inlinable public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
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
        // Comparing UTF-8 lengths first (free for native strings) skips most full comparisons.
        let length = key.utf8.count
        for i in members.indices where members[i].key.utf8.count == length && members[i].key == key { return i }
        return nil
    }

    /// The value for `key`; assigning `nil` removes the member.
    @inlinable
    public subscript(key: String) -> JSONValue? {
        get {
            guard let i = position(of: key) else { return nil }
            return members[i].value
        }
        set {
            if let i = position(of: key) {
                if let newValue { members[i].value = newValue } else { remove(at: i) }
            } else if let newValue {
                append(key: key, value: newValue)
            }
        }
    }

    /// Appends a member without checking for an existing key; the caller guarantees uniqueness.
    @inlinable
    public mutating func appendUnchecked(key: String, value: JSONValue) {
        append(key: key, value: value)
    }

    @inlinable
    mutating func append(key: String, value: JSONValue) {
        members.append(Member(key: key, value: value))
        if index != nil {
            index![key] = members.count - 1
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

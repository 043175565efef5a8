/// A JSON document held in memory: the value type every Pipe module exchanges.
///
/// `JSONValue` is a plain enum, so it is `Sendable`, cheap to copy (arrays, strings and objects are
/// copy-on-write) and easy to match on. Objects keep the order their keys were written in, so a
/// document survives a parse → serialize round trip unchanged, and numbers keep their exact value
/// (see ``JSONNumber``).
///
/// ```swift
/// let value = try JSONValue(parsing: #"{"id": 7, "tags": ["a", "b"]}"#)
/// value["tags"]?[1]            // .string("b")
/// value.serializedString()     // {"id":7,"tags":["a","b"]}
/// ```
public enum JSONValue: Sendable {
    /// JSON `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, exact for integers of any size (see ``JSONNumber``).
    case number(JSONNumber)
    /// A string of Unicode scalars.
    case string(String)
    /// An ordered list of values.
    case array([JSONValue])
    /// Key-value pairs in insertion order, keys unique.
    case object(JSONObject)
}

extension JSONValue {
    /// The kind of a value, named as JSON and JMESPath name them.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case null, boolean, number, string, array, object
    }

    /// This value's kind.
    @inlinable
    public var kind: Kind {
        switch self {
        case .null: .null
        case .bool: .boolean
        case .number: .number
        case .string: .string
        case .array: .array
        case .object: .object
        }
    }

    /// Makes an integer value.
    @inlinable
    public static func int(_ value: Int) -> JSONValue { .number(.int(Int64(value))) }

    /// Makes a floating-point value.
    @inlinable
    public static func double(_ value: Double) -> JSONValue { .number(JSONNumber(value)) }

    /// The member named `key` when this is an object, otherwise `nil`.
    @inlinable
    public subscript(key: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }

    /// The element at `index` when this is an array and the index is in range, otherwise `nil`.
    @inlinable
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let array) = self, array.indices.contains(index) else { return nil }
        return array[index]
    }

    /// `true` for `null`.
    @inlinable
    public var isNull: Bool { if case .null = self { true } else { false } }

    /// The string payload, if this is a string.
    @inlinable
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }

    /// The boolean payload, if this is a boolean.
    @inlinable
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }

    /// The number as a `Double`, if this is a number.
    @inlinable
    public var doubleValue: Double? { if case .number(let n) = self { n.doubleValue } else { nil } }

    /// The number as an `Int`, if this is a number with an exact integer value that fits.
    @inlinable
    public var intValue: Int? { if case .number(let n) = self { n.exactInt } else { nil } }

    /// The elements, if this is an array.
    @inlinable
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }

    /// The members, if this is an object.
    @inlinable
    public var objectValue: JSONObject? { if case .object(let o) = self { o } else { nil } }
}

extension JSONValue: Equatable {
    /// Structural equality: numbers compare by value (`1 == 1.0`), objects ignore key order.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a == b
        default: false
        }
    }
}

extension JSONValue: Hashable {
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .number(let n): hasher.combine(n)
        case .string(let s): hasher.combine(s)
        case .array(let a): hasher.combine(a)
        case .object(let o): hasher.combine(o)
        }
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text of this value.
    public var description: String { serializedString() }
}

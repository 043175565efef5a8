import PipeCore

/// `==`, `!=` on any values; `<`, `<=`, `>`, `>=` on numbers only (anything else gives `null`).
enum Comparison {
    static func apply(_ op: ComparisonOperator, _ left: JSONValue, _ right: JSONValue) -> JSONValue {
        switch op {
        case .equal: return .bool(strictlyEqual(left, right))
        case .notEqual: return .bool(!strictlyEqual(left, right))
        default: break
        }
        guard case .number(let a) = left, case .number(let b) = right else { return .null }
        switch op {
        case .less: return .bool(a < b)
        case .lessOrEqual: return .bool(a < b || a == b)
        case .greater: return .bool(b < a)
        case .greaterOrEqual: return .bool(b < a || a == b)
        case .equal, .notEqual: return .null
        }
    }

    /// Equality by exact code points for strings (Swift's `==` would also equate canonically
    /// equivalent strings, which JMESPath does not); structural for arrays and objects.
    static func strictlyEqual(_ left: JSONValue, _ right: JSONValue) -> Bool {
        switch (left, right) {
        case (.string(let a), .string(let b)): return sameCodePoints(a, b)
        case (.array(let a), .array(let b)):
            guard a.count == b.count else { return false }
            for (x, y) in zip(a, b) where !strictlyEqual(x, y) { return false }
            return true
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for member in a {
                guard let other = b[member.key], strictlyEqual(member.value, other) else { return false }
            }
            return true
        default:
            return left == right
        }
    }
}

/// `true` when two strings hold the same code points (byte-equal UTF-8), unlike `==`, which also
/// equates canonically equivalent spellings such as "é" and "e\u{301}".
@inline(__always)
func sameCodePoints(_ a: String, _ b: String) -> Bool {
    // Different lengths or canonically different strings can never be byte-equal: decide fast.
    guard a.utf8.count == b.utf8.count, a == b else { return false }
    return a.utf8.elementsEqual(b.utf8)
}

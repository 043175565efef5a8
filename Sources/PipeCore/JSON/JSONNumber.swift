/// A JSON number that never silently loses its value.
///
/// Integers that fit in 64 bits are held exactly as ``int(_:)``; other numbers as ``double(_:)``.
/// A number that neither is sure to hold exactly — an integer beyond `Int64`, a literal with more
/// than 15 significant digits (the most a `Double` always round-trips), or one that overflows or
/// underflows `Double` — is kept as its original text in ``decimal(_:)``, so it serializes back byte
/// for byte and compares exactly. Arithmetic on a decimal uses its nearest `Double`.
public enum JSONNumber: Sendable {
    /// An exact 64-bit integer.
    case int(Int64)
    /// A finite binary64 floating-point number.
    case double(Double)
    /// The literal text of a number that `Int64` and `Double` cannot hold exactly (valid JSON number syntax).
    case decimal(String)

    /// Wraps a `Double`; integral values that fit `Int64` exactly become ``int(_:)``.
    @inlinable
    public init(_ value: Double) {
        if value.rounded(.towardZero) == value, abs(value) < 9.0e15, !(value == 0 && value.sign == .minus) {
            self = .int(Int64(value))
        } else {
            self = .double(value)
        }
    }

    /// The nearest `Double` (may be infinite for an out-of-range ``decimal(_:)``).
    @inlinable
    public var doubleValue: Double {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        case .decimal(let text): Double(text) ?? .nan
        }
    }

    /// The value as an `Int` when it is an integer that fits exactly, else `nil`.
    @inlinable
    public var exactInt: Int? {
        switch self {
        case .int(let i): Int(exactly: i)
        case .double(let d): Int(exactly: d)
        case .decimal: nil
        }
    }

    /// `true` when the number has no fractional part.
    @inlinable
    public var isIntegral: Bool {
        switch self {
        case .int: true
        case .double(let d): d.isFinite && d.rounded(.towardZero) == d
        case .decimal(let text): !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
        }
    }
}

extension JSONNumber: Equatable, Comparable, Hashable {
    /// Numeric equality: `1`, `1.0` and `1e0` are equal; decimals compare digit by digit, so
    /// numbers that round to the same `Double` (`1e400`, `2e400`) stay different.
    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.int(let i), .double(let d)), (.double(let d), .int(let i)):
            guard let exact = Int64(exactly: d) else { return false }
            return exact == i
        case (.decimal(let a), .decimal(let b)) where a == b: return true
        default:
            guard let a = ExactDecimal(lhs), let b = ExactDecimal(rhs) else { return false }
            return a == b
        }
    }

    public static func < (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return a < b
        case (.decimal, _), (_, .decimal):
            guard let a = ExactDecimal(lhs), let b = ExactDecimal(rhs) else { return false }
            return a < b
        default: return lhs.doubleValue < rhs.doubleValue
        }
    }

    public func hash(into hasher: inout Hasher) {
        // Equal numbers must hash equally across cases, so hash the canonical Double.
        hasher.combine(doubleValue)
    }
}

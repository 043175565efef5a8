import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Arithmetic on numbers: exact on 64-bit integers while results fit, `Double` otherwise.
///
/// `/` is true division; `//` floors (as in Python); `%` keeps the sign of the dividend (as in C,
/// Swift and JavaScript). Division by zero and results beyond `Double`'s range raise `not-a-number`.
enum Arithmetic {
    static func apply(_ op: ArithmeticOperator, _ left: JSONValue, _ right: JSONValue) throws(PipeError) -> JSONValue {
        guard case .number(let a) = left, case .number(let b) = right else {
            throw PipeError(
                .expressionInvalidType,
                "'\(op.rawValue)' needs two numbers, got \(left.kind.rawValue) and \(right.kind.rawValue)",
                details: ["kind": "invalid-type"])
        }
        if case .int(let x) = a, case .int(let y) = b, let exact = integer(op, x, y) {
            return .number(.int(exact))
        }
        let x = a.doubleValue
        let y = b.doubleValue
        let result: Double
        switch op {
        case .add: result = x + y
        case .subtract: result = x - y
        case .multiply: result = x * y
        case .divide:
            guard y != 0 else { throw notANumber("division by zero") }
            result = x / y
        case .modulo:
            guard y != 0 else { throw notANumber("modulo by zero") }
            result = fmod(x, y)
        case .integerDivide:
            guard y != 0 else { throw notANumber("integer division by zero") }
            result = (x / y).rounded(.down)
        }
        guard result.isFinite else { throw notANumber("result of '\(op.rawValue)' is out of range") }
        return .number(JSONNumber(result))
    }

    /// The exact integer result, or `nil` when it overflows or is not an integer.
    static func integer(_ op: ArithmeticOperator, _ x: Int64, _ y: Int64) -> Int64? {
        switch op {
        case .add:
            let (r, o) = x.addingReportingOverflow(y)
            return o ? nil : r
        case .subtract:
            let (r, o) = x.subtractingReportingOverflow(y)
            return o ? nil : r
        case .multiply:
            let (r, o) = x.multipliedReportingOverflow(by: y)
            return o ? nil : r
        case .divide:
            guard y != 0, x % y == 0, !(x == .min && y == -1) else { return nil }
            return x / y
        case .modulo:
            guard y != 0, !(x == .min && y == -1) else { return nil }
            return x % y
        case .integerDivide:
            guard y != 0, !(x == .min && y == -1) else { return nil }
            let q = x / y
            return (x % y != 0 && (x < 0) != (y < 0)) ? q - 1 : q
        }
    }

    static func negate(_ value: JSONValue) throws(PipeError) -> JSONValue {
        switch value {
        case .number(.int(let i)) where i != .min: return .number(.int(-i))
        case .number(let n): return .number(JSONNumber(-n.doubleValue))
        default:
            throw PipeError(
                .expressionInvalidType, "unary '-' needs a number, got \(value.kind.rawValue)",
                details: ["kind": "invalid-type"])
        }
    }

    static func notANumber(_ message: String) -> PipeError {
        PipeError(.expressionNotANumber, message, details: ["kind": "not-a-number"])
    }
}

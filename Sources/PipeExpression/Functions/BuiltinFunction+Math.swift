import PipeCore

extension BuiltinFunction {
    /// abs, avg, ceil, floor, sum, max, min, max_by, min_by.
    func math(_ args: inout FunctionArguments, _ evaluator: inout Evaluator) throws(PipeError) -> JSONValue {
        switch self {
        case .abs:
            switch try args.number(0) {
            case .int(let i) where i != .min: return .number(.int(Swift.abs(i)))
            case let n: return .number(JSONNumber(Swift.abs(n.doubleValue)))
            }
        case .ceil, .floor:
            let n = try args.number(0)
            if case .int = n { return .number(n) }  // already integral, and exact beyond 2^53
            return .number(JSONNumber(n.doubleValue.rounded(self == .ceil ? .up : .down)))
        case .sum, .avg:
            let array = try args.array(0)
            if self == .avg && array.isEmpty { return .null }
            // Exact integer sum while it fits in Int64; Double from the first fraction or overflow.
            var integerSum: Int64 = 0
            var doubleSum = 0.0
            var exact = true
            for element in array {
                guard case .number(let n) = element else {
                    throw args.invalidType(
                        0, expected: "an array of numbers", got: "an array containing \(element.kind.rawValue)")
                }
                if exact, case .int(let i) = n {
                    let (sum, overflow) = integerSum.addingReportingOverflow(i)
                    if !overflow {
                        integerSum = sum
                        continue
                    }
                }
                if exact {
                    exact = false
                    doubleSum = Double(integerSum)
                }
                doubleSum += n.doubleValue
            }
            let total: JSONValue = exact ? .number(.int(integerSum)) : .number(JSONNumber(doubleSum))
            guard exact || doubleSum.isFinite else { throw Arithmetic.notANumber("sum is out of range") }
            if self == .sum { return total }
            return try Arithmetic.apply(.divide, total, .number(.int(Int64(array.count))))
        case .max, .min:
            let array = try args.array(0)
            guard let first = array.first else { return .null }
            let kind = first.kind
            guard kind == .number || kind == .string, array.allSatisfy({ $0.kind == kind }) else {
                throw args.invalidType(0, expected: "an array of numbers or an array of strings", got: "mixed types")
            }
            var best = first
            for element in array.dropFirst() {
                let better = self == .max ? Ordering.less(best, element) : Ordering.less(element, best)
                if better { best = element }
            }
            return best
        case .maxBy, .minBy:
            let array = try args.array(0)
            let expression = try args.expression(1)
            guard !array.isEmpty else { return .null }
            let keys = try Ordering.sortKeys(array, expression, &evaluator, args)
            var bestIndex = 0
            for i in 1..<array.count {
                let better =
                    self == .maxBy ? Ordering.less(keys[bestIndex], keys[i]) : Ordering.less(keys[i], keys[bestIndex])
                if better { bestIndex = i }
            }
            return array[bestIndex]
        default:
            preconditionFailure("\(rawValue) is not a math function")
        }
    }
}

/// Ordering shared by sort, sort_by, min, max, min_by and max_by: numbers by value, strings by code point.
enum Ordering {
    static func less(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): x < y
        // UTF-8 byte order is code point order.
        case (.string(let x), .string(let y)): x.utf8.lexicographicallyPrecedes(y.utf8)
        default: false
        }
    }

    /// Applies `expression` to each element; the keys must be all numbers or all strings.
    static func sortKeys(
        _ array: [JSONValue], _ expression: Node, _ evaluator: inout Evaluator, _ args: FunctionArguments
    ) throws(PipeError) -> [JSONValue] {
        var keys: [JSONValue] = []
        keys.reserveCapacity(array.count)
        var kind: JSONValue.Kind?
        for element in array {
            let key = try evaluator.evaluate(expression, element)
            guard key.kind == .number || key.kind == .string, kind == nil || kind == key.kind else {
                throw args.invalidType(
                    1, expected: "an expression giving all numbers or all strings", got: key.kind.rawValue)
            }
            kind = key.kind
            keys.append(key)
        }
        return keys
    }
}

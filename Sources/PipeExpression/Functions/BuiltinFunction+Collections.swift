import PipeCore

extension BuiltinFunction {
    /// length, map, reverse, sort, sort_by, zip, not_null, group_by.
    func collections(_ args: inout FunctionArguments, _ evaluator: inout Evaluator) throws(PipeError) -> JSONValue {
        switch self {
        case .length:
            switch try args.value(0) {
            case .string(let s): return .int(s.unicodeScalars.count)
            case .array(let a): return .int(a.count)
            case .object(let o): return .int(o.count)
            case let v: throw args.invalidType(0, expected: "a string, array or object", got: v.kind.rawValue)
            }
        case .map:
            let expression = try args.expression(0)
            let array = try args.array(1)
            var results: [JSONValue] = []
            results.reserveCapacity(array.count)
            for element in array { results.append(try evaluator.evaluate(expression, element)) }
            return .array(results)
        case .reverse:
            switch try args.value(0) {
            case .string(let s): return .string(String(String.UnicodeScalarView(s.unicodeScalars.reversed())))
            case .array(let a): return .array(a.reversed())
            case let v: throw args.invalidType(0, expected: "a string or an array", got: v.kind.rawValue)
            }
        case .sort:
            let array = try args.array(0)
            guard let kind = array.first?.kind else { return .array([]) }
            guard kind == .number || kind == .string, array.allSatisfy({ $0.kind == kind }) else {
                throw args.invalidType(0, expected: "an array of numbers or an array of strings", got: "mixed types")
            }
            return .array(stableSorted(array, keys: array))
        case .sortBy:
            let array = try args.array(0)
            let keys = try Ordering.sortKeys(array, try args.expression(1), &evaluator, args)
            return .array(stableSorted(array, keys: keys))
        case .zip:
            var arrays: [[JSONValue]] = []
            for i in 0..<args.count { arrays.append(try args.array(i)) }
            let length = arrays.map(\.count).min() ?? 0
            return .array((0..<length).map { i in .array(arrays.map { $0[i] }) })
        case .notNull:
            for i in 0..<args.count {
                let v = try args.value(i)
                if !v.isNull { return v }
            }
            return .null
        case .groupBy:
            let array = try args.array(0)
            let expression = try args.expression(1)
            var groups = JSONObject()
            var members: [String: [JSONValue]] = [:]
            var order: [String] = []
            for element in array {
                guard case .object = element else {
                    throw args.invalidType(
                        0, expected: "an array of objects", got: "an array containing \(element.kind.rawValue)")
                }
                switch try evaluator.evaluate(expression, element) {
                case .null: continue
                case .string(let key):
                    if members[key] == nil { order.append(key) }
                    members[key, default: []].append(element)
                case let other:
                    throw args.invalidType(1, expected: "an expression giving strings", got: other.kind.rawValue)
                }
            }
            for key in order { groups.appendUnchecked(key: key, value: .array(members[key]!)) }
            return .object(groups)
        default:
            preconditionFailure("\(rawValue) is not a collection function")
        }
    }

    /// A stable sort of `array` by `keys` (same count; all numbers or all strings).
    func stableSorted(_ array: [JSONValue], keys: [JSONValue]) -> [JSONValue] {
        let order = array.indices.sorted { i, j in
            if Ordering.less(keys[i], keys[j]) { return true }
            if Ordering.less(keys[j], keys[i]) { return false }
            return i < j
        }
        return order.map { array[$0] }
    }
}

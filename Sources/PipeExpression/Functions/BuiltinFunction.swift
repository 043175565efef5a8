import PipeCore

/// The JMESPath Community built-in functions.
enum BuiltinFunction: String, CaseIterable, Sendable {
    case abs, avg, ceil, contains, floor, length, map, max, merge, min, reverse, sort, sum, type, values, keys, zip
    case endsWith = "ends_with", startsWith = "starts_with", findFirst = "find_first", findLast = "find_last"
    case fromItems = "from_items", groupBy = "group_by", items, join, lower, upper
    case maxBy = "max_by", minBy = "min_by", notNull = "not_null", padLeft = "pad_left", padRight = "pad_right"
    case replace, sortBy = "sort_by", split, toArray = "to_array", toNumber = "to_number", toString = "to_string"
    case trim, trimLeft = "trim_left", trimRight = "trim_right"

    /// How many arguments a function takes.
    struct Signature {
        let minimum: Int
        /// `nil` for variadic functions.
        let maximum: Int?

        func checkArity(_ count: Int, name: String, position: Int) throws(PipeError) {
            guard count < minimum || (maximum.map { count > $0 } ?? false) else { return }
            let expected: String
            if let maximum, maximum == minimum {
                expected = "\(minimum)"
            } else if let maximum {
                expected = "\(minimum) to \(maximum)"
            } else {
                expected = "at least \(minimum)"
            }
            throw PipeError(
                .expressionInvalidArity,
                "\(name)() takes \(expected) argument\(expected == "1" ? "" : "s"), got \(count) at position \(position)",
                details: ["kind": "invalid-arity", "position": String(position), "function": name])
        }
    }

    var signature: Signature {
        switch self {
        case .abs, .avg, .ceil, .floor, .length, .max, .min, .reverse, .sort, .sum, .type, .values, .keys,
            .fromItems, .items, .lower, .upper, .toArray, .toNumber, .toString:
            Signature(minimum: 1, maximum: 1)
        case .contains, .endsWith, .startsWith, .groupBy, .join, .map, .maxBy, .minBy, .sortBy:
            Signature(minimum: 2, maximum: 2)
        case .findFirst, .findLast: Signature(minimum: 2, maximum: 4)
        case .padLeft, .padRight: Signature(minimum: 2, maximum: 3)
        case .replace: Signature(minimum: 3, maximum: 4)
        case .split: Signature(minimum: 2, maximum: 3)
        case .trim, .trimLeft, .trimRight: Signature(minimum: 1, maximum: 2)
        case .merge, .notNull, .zip: Signature(minimum: 1, maximum: nil)
        }
    }

    /// Evaluates the arguments (applicative order) and runs the function.
    func call(_ arguments: [Argument], _ current: JSONValue, _ evaluator: inout Evaluator) throws(PipeError)
        -> JSONValue
    {
        var args = FunctionArguments(function: self, current: current)
        args.values.reserveCapacity(arguments.count)
        for argument in arguments {
            switch argument {
            case .value(let node): args.values.append(.value(try evaluator.evaluate(node, current)))
            case .expression(let node): args.values.append(.expression(node))
            }
        }
        let result = try dispatch(&args, &evaluator)
        switch result {
        case .string(let s): try evaluator.spend(s.utf8.count)
        case .array(let a): try evaluator.spend(a.count)
        case .object(let o): try evaluator.spend(o.count)
        default: break
        }
        return result
    }

    func dispatch(_ args: inout FunctionArguments, _ evaluator: inout Evaluator) throws(PipeError) -> JSONValue {
        switch self {
        case .abs, .avg, .ceil, .floor, .sum, .max, .min, .maxBy, .minBy:
            return try math(&args, &evaluator)
        case .contains, .endsWith, .startsWith, .findFirst, .findLast, .join, .lower, .upper, .padLeft, .padRight,
            .replace, .split, .trim, .trimLeft, .trimRight:
            return try strings(&args)
        case .length, .map, .reverse, .sort, .sortBy, .zip, .notNull, .groupBy:
            return try collections(&args, &evaluator)
        case .keys, .values, .items, .fromItems, .merge, .type, .toArray, .toNumber, .toString:
            return try objectsAndTypes(&args)
        }
    }
}

/// A function's evaluated arguments with typed accessors that raise `invalid-type` with context.
struct FunctionArguments {
    enum Value {
        case value(JSONValue)
        case expression(Node)
    }

    let function: BuiltinFunction
    let current: JSONValue
    var values: [Value] = []

    var count: Int { values.count }

    func invalidType(_ index: Int, expected: String, got: String) -> PipeError {
        PipeError(
            .expressionInvalidType,
            "\(function.rawValue)() argument \(index + 1) must be \(expected), got \(got)",
            details: ["kind": "invalid-type", "function": function.rawValue])
    }

    func invalidValue(_ message: String) -> PipeError {
        PipeError(
            .expressionInvalidValue, "\(function.rawValue)(): \(message)",
            details: ["kind": "invalid-value", "function": function.rawValue])
    }

    func value(_ index: Int) throws(PipeError) -> JSONValue {
        switch values[index] {
        case .value(let v): return v
        case .expression: throw invalidType(index, expected: "a value", got: "an expression reference")
        }
    }

    func optionalValue(_ index: Int) throws(PipeError) -> JSONValue? {
        index < values.count ? try value(index) : nil
    }

    func expression(_ index: Int) throws(PipeError) -> Node {
        switch values[index] {
        case .expression(let node): return node
        case .value(let v): throw invalidType(index, expected: "an expression reference (&expr)", got: v.kind.rawValue)
        }
    }

    func number(_ index: Int) throws(PipeError) -> JSONNumber {
        let v = try value(index)
        guard case .number(let n) = v else { throw invalidType(index, expected: "a number", got: v.kind.rawValue) }
        return n
    }

    func string(_ index: Int) throws(PipeError) -> String {
        let v = try value(index)
        guard case .string(let s) = v else { throw invalidType(index, expected: "a string", got: v.kind.rawValue) }
        return s
    }

    func array(_ index: Int) throws(PipeError) -> [JSONValue] {
        let v = try value(index)
        guard case .array(let a) = v else { throw invalidType(index, expected: "an array", got: v.kind.rawValue) }
        return a
    }

    func object(_ index: Int) throws(PipeError) -> JSONObject {
        let v = try value(index)
        guard case .object(let o) = v else { throw invalidType(index, expected: "an object", got: v.kind.rawValue) }
        return o
    }

    /// An optional argument that must be an integer (`start`, `end`, `count`, `width`).
    func optionalInteger(_ index: Int) throws(PipeError) -> Int? {
        guard index < values.count else { return nil }
        let n = try number(index)
        guard let i = n.exactInt else { throw invalidValue("argument \(index + 1) must be an integer") }
        return i
    }
}

import PipeCore

/// Walks a compiled ``Node`` tree against a document.
struct Evaluator {
    /// The document the evaluation started from (`$`).
    let root: JSONValue
    /// Values of `let` variables, indexed by the slot the parser assigned.
    var slots: [JSONValue]
    /// Work left before evaluation gives up: one unit per node visited and per element or
    /// character produced. Bounds time and memory on hostile expressions such as nested `let`s
    /// that double a list at every level.
    var budget: Int

    init(root: JSONValue, slotCount: Int, budget: Int) {
        self.root = root
        self.slots = slotCount == 0 ? [] : Array(repeating: .null, count: slotCount)
        self.budget = budget
    }

    @inline(__always)
    mutating func spend(_ units: Int) throws(PipeError) {
        budget -= units
        if budget < 0 {
            throw PipeError(
                .limitExceeded, "expression evaluation exceeded its work budget", details: ["kind": "limit"])
        }
    }

    mutating func evaluate(_ node: Node, _ current: JSONValue) throws(PipeError) -> JSONValue {
        try spend(1)
        switch node {
        case .identity:
            return current
        case .root:
            return root
        case .field(let name):
            if case .object(let object) = current { return object[name] ?? .null }
            return .null
        case .fieldPath(let path):
            var value = current
            for key in path {
                guard case .object(let object) = value, let next = object[key] else { return .null }
                value = next
            }
            return value
        case .literal(let value):
            return value
        case .variable(let slot):
            return slots[slot]
        case .subexpression(let left, let right):
            let base = try evaluate(left, current)
            if case .null = base { return .null }
            return try evaluate(right, base)
        case .index(let left, let i):
            guard case .array(let array) = try evaluate(left, current) else { return .null }
            let position = i < 0 ? array.count + i : i
            return array.indices.contains(position) ? array[position] : .null
        case .slice(let left, let start, let stop, let step):
            return try Slice.apply(to: evaluate(left, current), start: start, stop: stop, step: step)
        case .projection(let left, let right):
            guard case .array(let array) = try evaluate(left, current) else { return .null }
            return .array(try project(array, right))
        case .sliceProjection(let left, let right):
            switch try evaluate(left, current) {
            case .array(let array): return .array(try project(array, right))
            case .string(let string): return try evaluate(right, .string(string))
            default: return .null
            }
        case .valueProjection(let left, let right):
            guard case .object(let object) = try evaluate(left, current) else { return .null }
            try spend(object.count)
            var results: [JSONValue] = []
            results.reserveCapacity(object.count)
            for member in object {
                let value = try evaluate(right, member.value)
                if !value.isNull { results.append(value) }
            }
            return .array(results)
        case .filterProjection(let left, let condition, let right):
            guard case .array(let array) = try evaluate(left, current) else { return .null }
            var results: [JSONValue] = []
            for element in array {
                guard try evaluate(condition, element).isTruthy else { continue }
                let value = try evaluate(right, element)
                if !value.isNull { results.append(value) }
            }
            return .array(results)
        case .flatten(let inner):
            guard case .array(let array) = try evaluate(inner, current) else { return .null }
            try spend(array.count)
            var results: [JSONValue] = []
            results.reserveCapacity(array.count)
            for element in array {
                if case .array(let nested) = element {
                    try spend(nested.count)
                    results.append(contentsOf: nested)
                } else {
                    results.append(element)
                }
            }
            return .array(results)
        case .multiSelectList(let elements):
            var results: [JSONValue] = []
            results.reserveCapacity(elements.count)
            for element in elements { results.append(try evaluate(element, current)) }
            return .array(results)
        case .multiSelectHash(let pairs):
            var object = JSONObject(minimumCapacity: pairs.count)
            for pair in pairs { object[pair.key] = try evaluate(pair.value, current) }
            return .object(object)
        case .pipe(let left, let right):
            return try evaluate(right, evaluate(left, current))
        case .or(let left, let right):
            let value = try evaluate(left, current)
            return value.isTruthy ? value : try evaluate(right, current)
        case .and(let left, let right):
            let value = try evaluate(left, current)
            return value.isTruthy ? try evaluate(right, current) : value
        case .not(let inner):
            return .bool(!(try evaluate(inner, current).isTruthy))
        case .comparison(let op, let left, let right):
            return Comparison.apply(op, try evaluate(left, current), try evaluate(right, current))
        case .arithmetic(let op, let left, let right):
            return try Arithmetic.apply(op, try evaluate(left, current), try evaluate(right, current))
        case .negate(let inner):
            return try Arithmetic.negate(try evaluate(inner, current))
        case .ternary(let condition, let then, let otherwise):
            return try evaluate(condition, current).isTruthy
                ? try evaluate(then, current) : try evaluate(otherwise, current)
        case .letBinding(let firstSlot, let values, let body):
            // Evaluate every binding before storing any: a binding sees only the enclosing scope,
            // and a nested `let` inside a binding may reuse these slots while it runs.
            var bound: [JSONValue] = []
            bound.reserveCapacity(values.count)
            for value in values { bound.append(try evaluate(value, current)) }
            let saved = Array(slots[firstSlot..<firstSlot + values.count])
            for (offset, value) in bound.enumerated() { slots[firstSlot + offset] = value }
            defer { for (offset, value) in saved.enumerated() { slots[firstSlot + offset] = value } }
            return try evaluate(body, current)
        case .function(let function, let arguments):
            return try function.call(arguments, current, &self)
        }
    }

    mutating func project(_ array: [JSONValue], _ right: Node) throws(PipeError) -> [JSONValue] {
        try spend(array.count)
        if case .identity = right { return array.filter { !$0.isNull } }
        var results: [JSONValue] = []
        results.reserveCapacity(array.count)
        for element in array {
            let value = try evaluate(right, element)
            if !value.isNull { results.append(value) }
        }
        return results
    }
}

extension JSONValue {
    /// JMESPath truthiness: `null`, `false`, `""`, `[]` and `{}` are false; everything else is true.
    public var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let b): b
        case .number: true
        case .string(let s): !s.isEmpty
        case .array(let a): !a.isEmpty
        case .object(let o): !o.isEmpty
        }
    }
}

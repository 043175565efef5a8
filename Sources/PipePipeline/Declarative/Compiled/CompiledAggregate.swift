import PipeCore
import PipeExpression

/// An `aggregate` step with its expressions compiled.
/// A class, so the per-record `switch` over a step's operation copies one reference, not five arrays.
final class CompiledAggregate: Sendable {
    enum Kind: Sendable {
        case count, sum, avg, min, max, distinct
    }

    struct Measure: Sendable {
        let name: String
        let kind: Kind
        let expression: JMESPathExpression?
        /// The index of `expression` in ``CompiledAggregate/expressions``: measures over the same expression
        /// (`sum`, `min` and `max` of `amount`) evaluate it once per record.
        let slot: Int?
    }

    let groupBy: JMESPathExpression?
    let window: WindowShape?
    let measures: [Measure]
    let expressions: [JMESPathExpression]
    /// Each measure's kind and expression slot, apart, so the per-record loop copies no `Measure`.
    let kinds: [Kind]
    let slots: [Int?]

    init(groupBy: JMESPathExpression?, window: WindowShape?, measures: [(String, Kind, JMESPathExpression?)]) {
        self.groupBy = groupBy
        self.window = window
        var expressions: [JMESPathExpression] = []
        self.measures = measures.map { name, kind, expression in
            guard let expression else { return Measure(name: name, kind: kind, expression: nil, slot: nil) }
            if let slot = expressions.firstIndex(where: { $0.source == expression.source }) {
                return Measure(name: name, kind: kind, expression: expression, slot: slot)
            }
            expressions.append(expression)
            return Measure(name: name, kind: kind, expression: expression, slot: expressions.count - 1)
        }
        self.expressions = expressions
        kinds = self.measures.map(\.kind)
        slots = self.measures.map(\.slot)
    }
}

/// One measure's running value.
enum MeasureValue {
    case count(Int)
    case sum(NumberSum)
    case avg(sum: Double, count: Int)
    case extreme(JSONValue?)
    case distinct(values: [JSONValue], seen: Set<JSONValue>)

    init(_ kind: CompiledAggregate.Kind) {
        switch kind {
        case .count: self = .count(0)
        case .sum: self = .sum(NumberSum())
        case .avg: self = .avg(sum: 0, count: 0)
        case .min, .max: self = .extreme(nil)
        case .distinct: self = .distinct(values: [], seen: [])
        }
    }

    var json: JSONValue {
        switch self {
        case .count(let n): .int(n)
        case .sum(let sum): sum.json
        case .avg(let sum, let count): count == 0 ? .null : .double(sum / Double(count))
        case .extreme(let value): value ?? .null
        case .distinct(let values, _): .array(values)
        }
    }
}

/// A sum that stays an exact integer while every addend is one and nothing overflows, and becomes a double
/// otherwise.
struct NumberSum {
    var exact: Int? = 0
    var approximate = 0.0

    mutating func add(_ number: JSONNumber) {
        approximate += number.doubleValue
        guard let total = exact else { return }
        if let n = number.exactInt {
            let (result, overflow) = total.addingReportingOverflow(n)
            exact = overflow ? nil : result
        } else {
            exact = nil
        }
    }

    var json: JSONValue { exact.map { .int($0) } ?? .double(approximate) }
}

/// The open windows of one run of an `aggregate` step, each with its groups in first-seen order.
final class AggregateGroups {
    struct Window {
        let index: Int
        let first: Int
        /// Group keys in first-seen order, and each group's measures at the same position.
        var keys: [JSONValue] = []
        var values: [[MeasureValue]] = []
        var slots: [JSONValue: Int] = [:]
    }

    private var windows: [Window] = []
    private var position = 0
    private var slots: [Int?] = []
    private var evaluated: [JSONValue] = []

    /// Folds one record into every open window; returns the results of the windows it closes.
    func add(_ record: JSONValue, aggregate: CompiledAggregate, limits: PipelineLimits, step: String) throws
        -> [JSONValue]
    {
        // Everything that can fail is checked before any state changes, so a failed record leaves no trace.
        let key = try aggregate.groupBy?.evaluate(record) ?? .null
        evaluated.removeAll(keepingCapacity: true)
        for expression in aggregate.expressions { evaluated.append(try expression.evaluate(record)) }
        var values: [JSONValue] = []
        values.reserveCapacity(aggregate.measures.count)
        for index in aggregate.kinds.indices {
            let kind = aggregate.kinds[index]
            let value = aggregate.slots[index].map { evaluated[$0] } ?? .null
            switch (kind, value) {
            case (_, .null), (.count, _), (.distinct, _): break
            case (.sum, .number), (.avg, .number), (.min, .number), (.max, .number): break
            case (.min, .string), (.max, .string): break
            default:
                let wanted = kind == .min || kind == .max ? "a number or a string" : "a number"
                throw PipeError(
                    .invalidArgument,
                    "measure \(aggregate.measures[index].name) (\(kind)) needs \(wanted), got \(value.kind.rawValue)")
            }
            values.append(value)
        }
        let window = aggregate.window
        // A window starting here is appended only after the checks below pass: a record that fails must leave
        // no trace, or the next record (at the same position) would open the window a second time.
        let opens = window.map { position % $0.step == 0 } ?? windows.isEmpty
        slots.removeAll(keepingCapacity: true)
        for index in windows.indices {
            let slot = windows[index].slots[key]
            if let slot {
                try Self.check(windows[index].values[slot], values, aggregate: aggregate, limits: limits, step: step)
            } else if windows[index].keys.count >= limits.maxDistinctKeys {
                throw RunLimitError(
                    error: PipeError(
                        .limitExceeded, "\(step) has more than \(limits.maxDistinctKeys) groups in a window",
                        details: ["stage": step]))
            }
            slots.append(slot)
        }
        if opens {
            windows.append(Window(index: window.map { position / $0.step } ?? 0, first: position))
            slots.append(nil)
        }
        for index in windows.indices {
            let slot: Int
            if let existing = slots[index] {
                slot = existing
            } else {
                slot = windows[index].keys.count
                windows[index].keys.append(key)
                windows[index].values.append(aggregate.measures.map { MeasureValue($0.kind) })
                windows[index].slots[key] = slot
            }
            Self.fold(&windows[index].values[slot], values, aggregate: aggregate)
        }
        defer { position += 1 }
        guard let window, let oldest = windows.first, position - oldest.first + 1 == window.size else { return [] }
        return results(of: windows.removeFirst(), aggregate: aggregate, last: position)
    }

    /// The results of every window still open (the run ended).
    func drain(aggregate: CompiledAggregate) -> [JSONValue] {
        defer { windows = [] }
        return windows.flatMap { results(of: $0, aggregate: aggregate, last: position - 1) }
    }

    private func results(of window: Window, aggregate: CompiledAggregate, last: Int) -> [JSONValue] {
        zip(window.keys, window.values).map { key, values in
            var object = JSONObject()
            if aggregate.groupBy != nil { object["key"] = key }
            if aggregate.window != nil {
                object["window"] = ["index": .int(window.index), "first": .int(window.first), "last": .int(last)]
            }
            for (measure, value) in zip(aggregate.measures, values) { object[measure.name] = value.json }
            return .object(object)
        }
    }

    /// Fails before folding when a measure would break a limit or mix kinds.
    private static func check(
        _ current: [MeasureValue], _ values: [JSONValue], aggregate: CompiledAggregate, limits: PipelineLimits,
        step: String
    ) throws {
        for (index, value) in values.enumerated() where !value.isNull {
            switch current[index] {
            case .extreme(let best?) where best.kind != value.kind:
                throw PipeError(
                    .invalidArgument,
                    "measure \(aggregate.measures[index].name) compares \(best.kind.rawValue)s; got a \(value.kind.rawValue)"
                )
            case .distinct(_, let seen) where seen.count >= limits.maxDistinctKeys && !seen.contains(value):
                throw RunLimitError(
                    error: PipeError(
                        .limitExceeded,
                        "measure \(aggregate.measures[index].name) of \(step) has more than \(limits.maxDistinctKeys) values",
                        details: ["stage": step]))
            default: break
            }
        }
    }

    private static func fold(_ current: inout [MeasureValue], _ values: [JSONValue], aggregate: CompiledAggregate) {
        for (index, value) in values.enumerated() {
            let kind = aggregate.kinds[index]
            switch (current[index], value) {
            case (.count(let n), _):
                if aggregate.slots[index] == nil || !value.isNull { current[index] = .count(n + 1) }
            case (_, .null): continue
            case (.sum(var sum), .number(let number)):
                sum.add(number)
                current[index] = .sum(sum)
            case (.avg(let sum, let count), .number(let number)):
                current[index] = .avg(sum: sum + number.doubleValue, count: count + 1)
            case (.extreme(let best), _):
                guard let best else {
                    current[index] = .extreme(value)
                    continue
                }
                let better = kind == .min ? JSONOrder.less(value, best) : JSONOrder.less(best, value)
                if better { current[index] = .extreme(value) }
            case (.distinct(var values, var seen), _):
                current[index] = .count(0)  // release the payload so the arrays below are uniquely referenced
                if seen.insert(value).inserted { values.append(value) }
                current[index] = .distinct(values: values, seen: seen)
            default: continue
            }
        }
    }
}

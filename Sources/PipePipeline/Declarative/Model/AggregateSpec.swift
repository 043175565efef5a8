import PipeCore

/// An `aggregate` step: records grouped by a key, in count-based windows or over the whole run, each group
/// summarised by named measures.
///
/// ```json
/// {"type": "aggregate", "groupBy": "address.city", "window": {"tumbling": 10000},
///  "measures": {"orders": "count", "revenue": {"sum": "price * qty"}, "top": {"max": "price"}}}
/// ```
///
/// Each group puts out `{"key": <group>, "window": {"index": 0, "first": 0, "last": 9999}, "orders": …, …}`
/// when its window closes (without `window`, at the end of the run), in the order keys first appeared.
public struct AggregateSpec: Sendable, Hashable {
    /// The group key (an expression); `nil` puts every record in one group.
    public var groupBy: String?
    /// Count-based windows; `nil` aggregates the whole run.
    public var window: WindowShape?
    /// The measures, by output field name, in output order.
    public var measures: [(name: String, measure: Measure)]

    /// One summary of a group.
    public enum Measure: Sendable, Hashable {
        /// How many records (with an expression: how many gave a non-null value).
        case count(String?)
        /// The sum of the numbers the expression gives (`null`s skipped); whole numbers stay exact.
        case sum(String)
        /// The mean of the numbers the expression gives (`null`s skipped); `null` for none.
        case avg(String)
        /// The smallest value (numbers, or strings) the expression gives; `null` for none.
        case min(String)
        /// The largest value (numbers, or strings) the expression gives; `null` for none.
        case max(String)
        /// The distinct values the expression gives, in first-seen order.
        case distinct(String)

        /// The measure's name in JSON.
        public var name: String {
            switch self {
            case .count: "count"
            case .sum: "sum"
            case .avg: "avg"
            case .min: "min"
            case .max: "max"
            case .distinct: "distinct"
            }
        }

        /// The expression the measure reads, if any.
        public var expression: String? {
            switch self {
            case .count(let expression): expression
            case .sum(let e), .avg(let e), .min(let e), .max(let e), .distinct(let e): e
            }
        }
    }

    /// Makes a spec.
    public init(groupBy: String?, window: WindowShape? = nil, measures: [(name: String, measure: Measure)]) {
        self.groupBy = groupBy
        self.window = window
        self.measures = measures
    }

    public static func == (lhs: AggregateSpec, rhs: AggregateSpec) -> Bool {
        lhs.groupBy == rhs.groupBy && lhs.window == rhs.window && lhs.measures.map(\.name) == rhs.measures.map(\.name)
            && lhs.measures.map(\.measure) == rhs.measures.map(\.measure)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(groupBy)
        hasher.combine(window)
        for (name, measure) in measures {
            hasher.combine(name)
            hasher.combine(measure)
        }
    }

    /// The step in the definition's JSON format.
    public var json: JSONValue {
        var object: JSONObject = ["type": "aggregate"]
        if let groupBy { object["groupBy"] = .string(groupBy) }
        if let window {
            object["window"] =
                window.size == window.step
                ? ["tumbling": .int(window.size)] : ["sliding": .int(window.size), "step": .int(window.step)]
        }
        var measures = JSONObject()
        for (name, measure) in self.measures {
            if case .count(nil) = measure {
                measures[name] = "count"
            } else {
                measures[name] = [measure.name: .string(measure.expression ?? "")]
            }
        }
        object["measures"] = .object(measures)
        return .object(object)
    }
}

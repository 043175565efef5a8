/// How a window folds the records of one key into a value.
///
/// ```swift
/// .window(.tumbling(count: 1_000), key: { $0.country }, aggregate: .sum { $0.amount })
/// ```
public struct Aggregator<Input: Sendable, Value: Sendable>: Sendable {
    let initial: Value
    let combine: @Sendable (inout Value, Input) -> Void

    /// An aggregation from a starting value and a step that folds one record in.
    public init(initial: Value, combine: @escaping @Sendable (inout Value, Input) -> Void) {
        self.initial = initial
        self.combine = combine
    }
}

extension Aggregator where Value == Int {
    /// Counts records.
    public static func count() -> Aggregator { Aggregator(initial: 0) { total, _ in total += 1 } }
}

extension Aggregator where Value == Double {
    /// Sums a number taken from each record.
    public static func sum(_ number: @escaping @Sendable (Input) -> Double) -> Aggregator {
        Aggregator(initial: 0) { total, record in total += number(record) }
    }
}

extension Aggregator {
    /// The smallest value taken from the records (`nil` for none).
    public static func min<Measure: Comparable & Sendable>(_ measure: @escaping @Sendable (Input) -> Measure)
        -> Aggregator<Input, Measure?>
    {
        Aggregator<Input, Measure?>(initial: nil) { best, record in
            let value = measure(record)
            if best.map({ value < $0 }) ?? true { best = value }
        }
    }

    /// The largest value taken from the records (`nil` for none).
    public static func max<Measure: Comparable & Sendable>(_ measure: @escaping @Sendable (Input) -> Measure)
        -> Aggregator<Input, Measure?>
    {
        Aggregator<Input, Measure?>(initial: nil) { best, record in
            let value = measure(record)
            if best.map({ value > $0 }) ?? true { best = value }
        }
    }

    /// The mean of a number taken from each record, with the count it is over.
    public static func average(_ number: @escaping @Sendable (Input) -> Double) -> Aggregator<Input, Average> {
        Aggregator<Input, Average>(initial: Average()) { average, record in average.add(number(record)) }
    }

    /// The distinct values taken from the records.
    public static func distinct<Member: Hashable & Sendable>(_ member: @escaping @Sendable (Input) -> Member)
        -> Aggregator<Input, Set<Member>>
    {
        Aggregator<Input, Set<Member>>(initial: []) { members, record in members.insert(member(record)) }
    }
}

/// A running mean.
public struct Average: Sendable, Hashable {
    /// How many numbers were added.
    public private(set) var count = 0
    /// Their sum.
    public private(set) var sum = 0.0
    /// The mean, `nil` before any number.
    public var value: Double? { count == 0 ? nil : sum / Double(count) }

    /// An empty mean.
    public init() {}

    mutating func add(_ number: Double) {
        count += 1
        sum += number
    }
}

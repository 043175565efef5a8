import PipeCore

/// The state one run of a stateful step keeps. Each run has its own, owned by the run's iterator alone, so
/// none of it needs a lock.
enum StepState {
    case none
    case dedupe(DedupeMemory)
    case batch(BatchBuffer)
    case aggregate(AggregateGroups)
    case sort(SortBuffer)
}

/// The keys a `dedupe` step has seen.
final class DedupeMemory {
    private var keys: Set<JSONValue> = []

    /// `true` the first time `key` is seen.
    func insert(_ key: JSONValue, limit: Int, step: String) throws -> Bool {
        if keys.contains(key) { return false }
        guard keys.count < limit else {
            throw RunLimitError(
                error: PipeError(.limitExceeded, "\(step) remembers more than \(limit) keys", details: ["stage": step]))
        }
        keys.insert(key)
        return true
    }
}

/// The records of a `batch` step's open batch.
final class BatchBuffer {
    let size: Int
    private var records: [JSONValue] = []

    init(size: Int) {
        self.size = size
        records.reserveCapacity(min(size, 4_096))
    }

    /// Adds a record; returns the batch when it is full.
    func add(_ record: JSONValue) -> [JSONValue]? {
        records.append(record)
        guard records.count == size else { return nil }
        defer { records.removeAll(keepingCapacity: true) }
        return records
    }

    /// The last, partial batch.
    func drain() -> [JSONValue]? {
        guard !records.isEmpty else { return nil }
        defer { records = [] }
        return records
    }
}

/// The records of a `sort` step with their keys, in arrival order.
final class SortBuffer {
    private var entries: [(key: JSONValue, record: JSONValue)] = []
    private var keyKind: JSONValue.Kind?

    /// Adds a record under its key: keys must all be numbers or all strings.
    func add(_ record: JSONValue, key: JSONValue, limit: Int, step: String) throws {
        guard key.kind == .number || key.kind == .string else {
            throw PipeError(.invalidArgument, "a sort key must be a number or a string, got \(key.kind.rawValue)")
        }
        if let keyKind, keyKind != key.kind {
            throw PipeError(
                .invalidArgument, "sort keys must all be \(keyKind.rawValue)s; this one is a \(key.kind.rawValue)")
        }
        guard entries.count < limit else {
            throw RunLimitError(
                error: PipeError(
                    .limitExceeded, "\(step) holds more than \(limit) records (limits.maxSortRecords)",
                    details: ["stage": step]))
        }
        keyKind = key.kind
        entries.append((key, record))
    }

    /// Every record, sorted stably by key.
    func drain(descending: Bool) -> [JSONValue] {
        let sorted = entries.enumerated().sorted { a, b in
            let (x, y) = descending ? (b.element.key, a.element.key) : (a.element.key, b.element.key)
            if JSONOrder.less(x, y) { return true }
            if JSONOrder.less(y, x) { return false }
            return a.offset < b.offset
        }
        entries = []
        return sorted.map(\.element.record)
    }
}

/// The order of numbers (exact) and of strings (by code point, as JMESPath sorts).
enum JSONOrder {
    static func less(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y
        case (.string(let x), .string(let y)): return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
        default: return false
        }
    }
}

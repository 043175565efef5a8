import Foundation
import PipeCore
import PipeExpression

/// One compiled declarative step.
struct CompiledStep: Sendable {
    enum Kind: Sendable {
        case filter(JMESPathExpression)
        case map(JMESPathExpression)
        case flatMap(JMESPathExpression)
        case dedupe(JMESPathExpression, SeenKeys)
        case validate([String: JSONValue.Kind])
    }

    let label: String
    let kind: Kind

    /// A copy with fresh state (a new `dedupe` memory) for a new run.
    func fresh() -> CompiledStep {
        guard case .dedupe(let key, let seen) = kind else { return self }
        return CompiledStep(label: label, kind: .dedupe(key, seen.fresh()))
    }

    /// Takes one source record through every step; returns what comes out of the last one.
    static func apply(_ steps: [CompiledStep], to record: JSONValue, report: PipelineRunReport) throws -> [JSONValue] {
        var current = [record]
        for (index, step) in steps.enumerated() {
            var next: [JSONValue] = []
            for item in current {
                report.count(step: index, .in)
                do {
                    let produced = try step.run(item)
                    if produced.isEmpty {
                        report.count(step: index, .dropped)
                    } else {
                        report.count(step: index, .passed)
                        report.count(step: index, .emitted, by: produced.count)
                    }
                    next.append(contentsOf: produced)
                } catch {
                    report.count(step: index, .failed)
                    throw StageFailure.wrap(error, stage: step.label, record: item.serializedString())
                }
            }
            current = next
            if current.isEmpty { break }
        }
        return current
    }

    func run(_ record: JSONValue) throws -> [JSONValue] {
        switch kind {
        case .filter(let expression):
            return try expression.evaluate(record).isTruthy ? [record] : []
        case .map(let expression):
            let value = try expression.evaluate(record)
            return value.isNull ? [] : [value]
        case .flatMap(let expression):
            switch try expression.evaluate(record) {
            case .array(let elements): return elements.filter { !$0.isNull }
            case .null: return []
            case let other:
                throw PipeError(.expressionInvalidType, "flatMap needs an array, got \(other.kind.rawValue)")
            }
        case .dedupe(let key, let seen):
            return try seen.insert(try key.evaluate(record)) ? [record] : []
        case .validate(let required):
            guard case .object(let object) = record else {
                throw PipeError(.invalidArgument, "record is \(record.kind.rawValue), not an object")
            }
            for (field, kind) in required.sorted(by: { $0.key < $1.key }) {
                guard let value = object[field] else { throw PipeError(.invalidArgument, "missing field \(field)") }
                guard value.kind == kind else {
                    throw PipeError(.invalidArgument, "field \(field) is \(value.kind.rawValue), not \(kind.rawValue)")
                }
            }
            return [record]
        }
    }
}

/// The keys a `dedupe` step has seen in one run, bounded.
final class SeenKeys: @unchecked Sendable {
    // @unchecked Sendable: `keys` is read and written only under `lock`.
    private let lock = NSLock()
    private var keys: Set<JSONValue> = []
    let limit: Int
    let step: String

    init(limit: Int, step: String) {
        self.limit = limit
        self.step = step
    }

    func fresh() -> SeenKeys { SeenKeys(limit: limit, step: step) }

    /// `true` the first time `key` is seen.
    func insert(_ key: JSONValue) throws -> Bool {
        try lock.withLock {
            if keys.contains(key) { return false }
            guard keys.count < limit else {
                throw PipeError(.limitExceeded, "\(step) remembers more than \(limit) keys", details: ["stage": step])
            }
            keys.insert(key)
            return true
        }
    }
}

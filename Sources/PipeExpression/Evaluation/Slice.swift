import PipeCore

/// Python slice semantics over arrays and strings (strings slice by code point).
enum Slice {
    static func apply(to value: JSONValue, start: Int?, stop: Int?, step: Int?) -> JSONValue {
        switch value {
        case .array(let array):
            return .array(indices(count: array.count, start: start, stop: stop, step: step).map { array[$0] })
        case .string(let string):
            let scalars = Array(string.unicodeScalars)
            var out = String.UnicodeScalarView()
            for i in indices(count: scalars.count, start: start, stop: stop, step: step) { out.append(scalars[i]) }
            return .string(String(out))
        default:
            return .null
        }
    }

    /// The positions a slice selects, in order. `step` is never 0 (the parser rejects it).
    static func indices(count: Int, start: Int?, stop: Int?, step: Int?) -> StrideTo<Int> {
        let step = step ?? 1
        func clamp(_ value: Int?, default fallback: Int) -> Int {
            guard var v = value else { return fallback }
            if v < 0 {
                v += count
                if v < 0 { v = step < 0 ? -1 : 0 }
            } else if v >= count {
                v = step < 0 ? count - 1 : count
            }
            return v
        }
        let from = clamp(start, default: step < 0 ? count - 1 : 0)
        let to = clamp(stop, default: step < 0 ? -1 : count)
        return stride(from: from, to: to, by: step)
    }
}

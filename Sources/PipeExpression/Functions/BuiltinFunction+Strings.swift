import PipeCore

extension BuiltinFunction {
    /// contains, starts_with, ends_with, find_first, find_last, join, lower, upper, pad_left,
    /// pad_right, replace, split, trim, trim_left, trim_right. Positions and lengths count code points.
    func strings(_ args: inout FunctionArguments) throws(PipeError) -> JSONValue {
        switch self {
        case .contains:
            let search = try args.value(1)
            switch try args.value(0) {
            case .array(let a): return .bool(a.contains { Comparison.strictlyEqual($0, search) })
            case .string(let s):
                guard case .string(let needle) = search else { return .bool(false) }
                return .bool(TextSearch.first(Array(needle.unicodeScalars), in: Array(s.unicodeScalars)) != nil)
            case let v: throw args.invalidType(0, expected: "an array or a string", got: v.kind.rawValue)
            }
        case .startsWith:
            let subject = try args.string(0)
            return .bool(subject.utf8.starts(with: try args.string(1).utf8))
        case .endsWith:
            let subject = try args.string(0)
            return .bool(subject.utf8.reversed().starts(with: try args.string(1).utf8.reversed()))
        case .findFirst, .findLast:
            return try find(args)
        case .join:
            let glue = try args.string(0)
            var parts: [String] = []
            for element in try args.array(1) {
                guard case .string(let s) = element else {
                    throw args.invalidType(
                        1, expected: "an array of strings", got: "an array containing \(element.kind.rawValue)")
                }
                parts.append(s)
            }
            // Bound the result before building it: a long glue times many parts can dwarf the input.
            let bytes = parts.reduce(0) { $0 + $1.utf8.count } + glue.utf8.count * Swift.max(0, parts.count - 1)
            guard bytes <= FunctionLimits.maxStringScalars else {
                throw args.invalidValue("result would exceed \(FunctionLimits.maxStringScalars) bytes")
            }
            return .string(parts.joined(separator: glue))
        case .lower: return .string(try args.string(0).lowercased())
        case .upper: return .string(try args.string(0).uppercased())
        case .padLeft, .padRight:
            let subject = try args.string(0)
            guard let width = try args.optionalInteger(1), width >= 0 else {
                throw args.invalidValue("width must be a non-negative integer")
            }
            let pad = try args.count > 2 ? args.string(2) : " "
            guard pad.unicodeScalars.count == 1 else { throw args.invalidValue("pad must be exactly one character") }
            let missing = width - subject.unicodeScalars.count
            guard missing > 0 else { return .string(subject) }
            guard width <= FunctionLimits.maxStringScalars else {
                throw args.invalidValue("width \(width) is too large")
            }
            let padding = String(repeating: pad, count: missing)
            return .string(self == .padLeft ? padding + subject : subject + padding)
        case .replace:
            let subject = Array(try args.string(0).unicodeScalars)
            let old = Array(try args.string(1).unicodeScalars)
            let new = Array(try args.string(2).unicodeScalars)
            let limit = try args.optionalInteger(3)
            if let limit, limit < 0 { throw args.invalidValue("count must be a non-negative integer") }
            let matches = TextSearch.all(old, in: subject, limit: limit ?? Int.max)
            let grown = (new.count - old.count) * matches.count
            guard subject.count + Swift.max(0, grown) <= FunctionLimits.maxStringScalars else {
                throw args.invalidValue("result would exceed \(FunctionLimits.maxStringScalars) characters")
            }
            var out = String.UnicodeScalarView()
            var last = 0
            for m in matches {
                out.append(contentsOf: subject[last..<m])
                out.append(contentsOf: new)
                last = m + old.count
            }
            out.append(contentsOf: subject[last...])
            return .string(String(out))
        case .split:
            let subject = Array(try args.string(0).unicodeScalars)
            let separator = Array(try args.string(1).unicodeScalars)
            let limit = try args.optionalInteger(2)
            if let limit, limit < 0 { throw args.invalidValue("count must be a non-negative integer") }
            if limit == 0 { return .array([.string(String(String.UnicodeScalarView(subject)))]) }
            if separator.isEmpty {
                // An empty separator splits into code points, the last piece keeping the rest.
                let pieces = Swift.min(subject.count, (limit ?? Int.max - 1) + 1)
                var result: [JSONValue] = []
                for i in 0..<pieces {
                    let piece = i == pieces - 1 ? subject[i...] : subject[i...i]
                    result.append(.string(String(String.UnicodeScalarView(piece))))
                }
                return .array(result)
            }
            var result: [JSONValue] = []
            var last = 0
            for m in TextSearch.all(separator, in: subject, limit: limit ?? Int.max) {
                result.append(.string(String(String.UnicodeScalarView(subject[last..<m]))))
                last = m + separator.count
            }
            result.append(.string(String(String.UnicodeScalarView(subject[last...]))))
            return .array(result)
        case .trim, .trimLeft, .trimRight:
            let subject = Array(try args.string(0).unicodeScalars)
            let chars = try args.count > 1 ? args.string(1) : ""
            let set = Set(chars.unicodeScalars)
            let strip: (Unicode.Scalar) -> Bool = set.isEmpty ? { $0.properties.isWhitespace } : { set.contains($0) }
            var start = 0
            var end = subject.count
            if self != .trimRight { while start < end, strip(subject[start]) { start += 1 } }
            if self != .trimLeft { while end > start, strip(subject[end - 1]) { end -= 1 } }
            return .string(String(String.UnicodeScalarView(subject[start..<end])))
        default:
            preconditionFailure("\(rawValue) is not a string function")
        }
    }

    /// find_first / find_last with Python `str.find` / `str.rfind` semantics for `start` and `end`.
    func find(_ args: FunctionArguments) throws(PipeError) -> JSONValue {
        let subject = Array(try args.string(0).unicodeScalars)
        let sub = Array(try args.string(1).unicodeScalars)
        let start = try args.optionalInteger(2)
        let end = try args.optionalInteger(3)
        guard !subject.isEmpty, !sub.isEmpty else { return .null }
        func resolve(_ value: Int?, _ fallback: Int) -> Int {
            guard let value else { return fallback }
            return value < 0 ? Swift.max(0, subject.count + value) : Swift.min(value, subject.count)
        }
        let from = resolve(start, 0)
        let to = resolve(end, subject.count)
        guard from < to else { return .null }
        let window = Array(subject[from..<to])
        let found =
            self == .findFirst
            ? TextSearch.first(sub, in: window) : TextSearch.all(sub, in: window, limit: .max, overlapping: true).last
        return found.map { .int($0 + from) } ?? .null
    }
}

/// Limits that keep string functions from building unbounded results.
enum FunctionLimits {
    /// Largest string a function may produce, in code points (16 Mi).
    static let maxStringScalars = 16 << 20
}

/// Linear-time substring search (Knuth–Morris–Pratt) over code points, so hostile inputs cannot
/// make a search quadratic.
enum TextSearch {
    static func first(_ needle: [Unicode.Scalar], in haystack: [Unicode.Scalar]) -> Int? {
        all(needle, in: haystack, limit: 1).first
    }

    /// Start offsets of matches, left to right; non-overlapping unless `overlapping`.
    static func all(
        _ needle: [Unicode.Scalar], in haystack: [Unicode.Scalar], limit: Int, overlapping: Bool = false
    ) -> [Int] {
        guard !needle.isEmpty, needle.count <= haystack.count, limit > 0 else {
            if needle.isEmpty, limit > 0 {
                // An empty needle matches between every pair of code points (Python's replace).
                return Array((0...haystack.count).prefix(limit))
            }
            return []
        }
        var failure = [Int](repeating: 0, count: needle.count)
        var k = 0
        for i in 1..<needle.count {
            while k > 0 && needle[i] != needle[k] { k = failure[k - 1] }
            if needle[i] == needle[k] { k += 1 }
            failure[i] = k
        }
        var matches: [Int] = []
        k = 0
        for (i, c) in haystack.enumerated() {
            while k > 0 && c != needle[k] { k = failure[k - 1] }
            if c == needle[k] { k += 1 }
            if k == needle.count {
                matches.append(i - needle.count + 1)
                if matches.count == limit { break }
                k = overlapping ? failure[k - 1] : 0
            }
        }
        return matches
    }
}

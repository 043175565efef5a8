import PipeCore

extension BuiltinFunction {
    /// keys, values, items, from_items, merge, type, to_array, to_number, to_string.
    func objectsAndTypes(_ args: inout FunctionArguments) throws(PipeError) -> JSONValue {
        switch self {
        case .keys: return .array(try args.object(0).keys.map { .string($0) })
        case .values: return .array(try args.object(0).values)
        case .items: return .array(try args.object(0).map { .array([.string($0.key), $0.value]) })
        case .fromItems:
            var object = JSONObject()
            for pair in try args.array(0) {
                guard case .array(let items) = pair, items.count == 2, case .string(let key) = items[0] else {
                    throw args.invalidType(0, expected: "an array of [string, value] pairs", got: pair.kind.rawValue)
                }
                object[key] = items[1]
            }
            return .object(object)
        case .merge:
            var merged = JSONObject()
            for i in 0..<args.count {
                for member in try args.object(i) { merged[member.key] = member.value }
            }
            return .object(merged)
        case .type:
            return .string(try args.value(0).kind.rawValue)
        case .toArray:
            let v = try args.value(0)
            if case .array = v { return v }
            return .array([v])
        case .toNumber:
            switch try args.value(0) {
            case .number(let n): return .number(n)
            case .string(let s):
                // Only text matching the JSON number grammar converts; anything else is null.
                guard let parsed = try? JSONValue(parsing: s), case .number = parsed,
                    s.utf8.first.map({ $0 == UInt8(ascii: "-") || ($0 >= 48 && $0 <= 57) }) == true,
                    s.utf8.last.map({ $0 >= 48 && $0 <= 57 }) == true
                else { return .null }
                return parsed
            default: return .null
            }
        case .toString:
            let v = try args.value(0)
            if case .string = v { return v }
            guard v.serializedSize(limit: FunctionLimits.maxStringScalars) != nil else {
                throw args.invalidValue("the JSON text would exceed \(FunctionLimits.maxStringScalars) bytes")
            }
            return .string(v.serializedString())
        default:
            preconditionFailure("\(rawValue) is not an object or type function")
        }
    }
}

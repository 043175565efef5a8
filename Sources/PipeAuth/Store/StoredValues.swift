import Foundation
import GRDB
import PipeCore

/// How lists, sets, dictionaries and dates are kept in auth tables: JSON text and seconds since 1970.
package enum StoredValues {
    package static func list(_ values: some Sequence<String>) -> String {
        var writer = JSONWriter(capacity: 64)
        writer.write(.array(values.map { .string($0) }))
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    package static func list(from text: String?) -> [String] {
        guard let text, case .array(let items)? = try? JSONValue(parsing: text) else { return [] }
        return items.compactMap(\.stringValue)
    }

    package static func dictionary(_ values: [String: String]) -> String {
        var writer = JSONWriter(capacity: 64)
        writer.write(.object(JSONObject(values.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    package static func dictionary(from text: String?) -> [String: String] {
        guard let text, case .object(let object)? = try? JSONValue(parsing: text) else { return [:] }
        var result: [String: String] = [:]
        for member in object { if let value = member.value.stringValue { result[member.key] = value } }
        return result
    }

    static func seconds(_ date: Date?) -> Double? { date?.timeIntervalSince1970 }

    static func date(_ row: Row, _ column: String) -> Date? {
        (row[column] as Double?).map { Date(timeIntervalSince1970: $0) }
    }

    static func requiredDate(_ row: Row, _ column: String) -> Date {
        Date(timeIntervalSince1970: row[column] as Double)
    }

    /// An id column that was validated when written; a row that no longer validates is corrupt.
    static func userID(_ row: Row, _ column: String) throws -> UserID {
        try UserID(row[column] as String)
    }

    static func optionalUserID(_ row: Row, _ column: String) throws -> UserID? {
        guard let text = row[column] as String? else { return nil }
        return try UserID(text)
    }
}

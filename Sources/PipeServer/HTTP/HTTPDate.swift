import Foundation

/// IMF-fixdate (RFC 9110 §5.6.7), the date format of `Last-Modified` and `If-Modified-Since`.
enum HTTPDate {
    // One shared formatter: DateFormatter is Sendable (thread-safe for formatting and parsing), and this one is
    // never mutated after it is set up.
    private static let formatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter
    }()

    static func format(_ date: Date) -> String { formatter.string(from: date) }

    static func parse(_ text: String) -> Date? {
        guard text.utf8.count <= 64 else { return nil }
        return formatter.date(from: text)
    }
}

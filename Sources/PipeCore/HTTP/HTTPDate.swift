#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// IMF-fixdate (RFC 9110 §5.6.7), the date format of `Date`, `Last-Modified` and `If-Modified-Since`:
/// `Sun, 06 Nov 1994 08:49:37 GMT`.
///
/// Written by hand in both directions: servers format one on every response and clients parse one on every object
/// read, and a `DateFormatter` (ICU) costs microseconds per call. Dates before 1970 or after 9999 are not
/// represented.
public enum HTTPDate {
    private static let days = Array("SunMonTueWedThuFriSat".utf8)
    private static let months = Array("JanFebMarAprMayJunJulAugSepOctNovDec".utf8)

    /// `date`, whole seconds, in UTC.
    public static func format(_ date: Date) -> String {
        let seconds = Int64(max(0, date.timeIntervalSince1970.rounded(.down)))
        let (year, month, day) = civil(fromDays: seconds / 86_400)
        let weekday = Int((seconds / 86_400 + 4) % 7)  // 1970-01-01 was a Thursday
        let time = seconds % 86_400
        var bytes: [UInt8] = []
        bytes.reserveCapacity(29)
        bytes += days[(weekday * 3)..<(weekday * 3 + 3)]
        bytes += Array(", ".utf8)
        two(Int64(day), into: &bytes)
        bytes.append(0x20)
        bytes += months[((month - 1) * 3)..<((month - 1) * 3 + 3)]
        bytes.append(0x20)
        two(year / 100, into: &bytes)
        two(year % 100, into: &bytes)
        bytes.append(0x20)
        two(time / 3600, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        two(time / 60 % 60, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        two(time % 60, into: &bytes)
        bytes += Array(" GMT".utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The date `text` names, or `nil` unless it is exactly an IMF-fixdate with a valid date and time.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 29, bytes[3] == UInt8(ascii: ","), bytes[4] == 0x20, bytes[7] == 0x20, bytes[11] == 0x20,
            bytes[16] == 0x20, bytes[19] == UInt8(ascii: ":"), bytes[22] == UInt8(ascii: ":"),
            bytes[25...].elementsEqual(" GMT".utf8),
            let weekday = index(of: bytes[0..<3], in: days), let monthIndex = index(of: bytes[8..<11], in: months),
            let day = number(bytes[5..<7]), let year = number(bytes[12..<16]), let hour = number(bytes[17..<19]),
            let minute = number(bytes[20..<22]), let second = number(bytes[23..<25]),
            year >= 1970, (1...daysIn(month: monthIndex + 1, year: year)).contains(day), hour < 24, minute < 60,
            second < 60
        else { return nil }
        let dayNumber = days(fromCivil: year, monthIndex + 1, day)
        guard Int((dayNumber + 4) % 7) == weekday else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(dayNumber * 86_400 + hour * 3600 + minute * 60 + second))
    }

    private static func two(_ value: Int64, into bytes: inout [UInt8]) {
        bytes.append(UInt8(48 + value / 10))
        bytes.append(UInt8(48 + value % 10))
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int64? {
        var value: Int64 = 0
        for digit in digits {
            guard (48...57).contains(digit) else { return nil }
            value = value * 10 + Int64(digit - 48)
        }
        return value
    }

    private static func index(of name: ArraySlice<UInt8>, in table: [UInt8]) -> Int? {
        stride(from: 0, to: table.count, by: 3).first { table[$0..<($0 + 3)].elementsEqual(name) }.map { $0 / 3 }
    }

    private static func daysIn(month: Int, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days_from_civil and civil_from_days (proleptic Gregorian calendar).
    private static func days(fromCivil year: Int64, _ month: Int, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// Produces the deterministic "typical records" of the JSON Lines benchmark file, one JSON text per call.
///
/// A record is about 500 bytes: ids, a UUID, an ISO timestamp and an epoch-milliseconds one, names and cities in
/// several scripts (some written with `\u` escapes, one with a surrogate pair), escaped quotes, backslashes and
/// control characters, integers, two-decimal prices, six-decimal coordinates, booleans, nulls, a nested object and
/// arrays of strings and of objects.
///
/// This is a line-for-line port of `Benchmarks/scripts/make-jsonl.py`, and the two must write the same bytes: both
/// draw from one SplitMix64 stream in the same order and write every value as text (numbers from integers, strings
/// from pools already in their JSON-escaped form), so no float or string formatting of either language is involved.
/// Change both together, and bump ``formatVersion`` when the output changes.
///
/// ```swift
/// var generator = RecordGenerator()
/// let first = generator.nextRecord()   // {"id":1,"uuid":"143d0965-…",…}
/// ```
public struct RecordGenerator: Sendable {
    /// Part of the file name, so a changed generator never reuses a stale file.
    public static let formatVersion = 1

    var random = SplitMix64(state: 0x5049_5045_4245_4E43)  // "PIPEBENC"
    var recordID = 0

    /// Starts the sequence at the first record.
    public init() {}

    /// The next record's JSON text (no newline).
    public mutating func nextRecord() -> String {
        recordID += 1
        let a = hex16(draw())
        let b = hex16(draw())
        let uuid = "\(slice(a, 0, 8))-\(slice(a, 8, 12))-\(slice(a, 12, 16))-\(slice(b, 0, 4))-\(slice(b, 4, 16))"

        var v = draw()
        let year = 2020 + v % 5
        v /= 5
        let month = 1 + v % 12
        v /= 12
        let day = 1 + v % 28
        v /= 28
        let hour = v % 24
        v /= 24
        let minute = v % 60
        v /= 60
        let second = v % 60
        v /= 60
        let millis = v % 1000
        let created =
            "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
            + ".\(pad(millis, 3))Z"
        let updated = 1_577_836_800_000 + Int64(draw() % 157_680_000_000)

        let first = pick(Self.firstNames)
        let last = pick(Self.lastNames)
        let email = "user\(recordID)@\(pick(Self.domains))"
        let active = draw() % 10 < 7 ? "true" : "false"
        let score = decimal(Int64(draw() % 10001), places: 2)
        let price = decimal(1 + Int64(draw() % 99999), places: 2)
        let qty = 1 + draw() % 20
        var r = draw()
        let discount = r % 4 == 0 ? decimal(5 + Int64((r >> 8) % 46), places: 2) : "null"
        let currency = pick(Self.currencies)
        let tagCount = draw() % 5
        var tags: [String] = []
        for _ in 0..<tagCount { tags.append("\"\(pick(Self.tags))\"") }

        let house = 1 + draw() % 999
        let street = pick(Self.streets)
        let city = pick(Self.cities)
        let postcode = pad(draw() % 100_000, 5)
        let country = pick(Self.countries)
        let lat = decimal(Int64(draw() % 180_000_001) - 90_000_000, places: 6)
        let lon = decimal(Int64(draw() % 360_000_001) - 180_000_000, places: 6)

        r = draw()
        let note: String
        switch r % 3 {
        case 0: note = "\"\(Self.notes[Int((r >> 8) % UInt64(Self.notes.count))])\""
        case 1: note = "null"
        default: note = "\"\""
        }
        let historyCount = draw() % 3
        var history: [String] = []
        for _ in 0..<historyCount {
            let event = pick(Self.events)
            let at = updated - Int64(draw() % 86_400_000)
            history.append("{\"event\":\"\(event)\",\"at\":\(at)}")
        }
        let version = 1 + draw() % 5

        var line = "{\"id\":\(recordID),\"uuid\":\"\(uuid)\",\"created_at\":\"\(created)\",\"updated_at\":\(updated),"
        line += "\"name\":\"\(first) \(last)\",\"email\":\"\(email)\",\"active\":\(active),\"score\":\(score),"
        line += "\"price\":\(price),\"qty\":\(qty),\"discount\":\(discount),\"currency\":\"\(currency)\","
        line += "\"tags\":[\(tags.joined(separator: ","))],\"address\":{\"street\":\"\(house) \(street)\","
        line += "\"city\":\"\(city)\",\"zip\":\"\(postcode)\",\"country\":\"\(country)\","
        line += "\"geo\":{\"lat\":\(lat),\"lon\":\(lon)}},"
        line += "\"note\":\(note),\"history\":[\(history.joined(separator: ","))],\"version\":\(version)}"
        return line
    }

    mutating func draw() -> UInt64 { random.next() }

    mutating func pick(_ pool: [String]) -> String { pool[Int(draw() % UInt64(pool.count))] }

    /// `value / 10^places` as the shortest decimal text: `(12340, 2)` → `123.4`, `(0, 2)` → `0.0`.
    func decimal(_ value: Int64, places: Int) -> String {
        var scale: UInt64 = 1
        for _ in 0..<places { scale *= 10 }
        let magnitude = value.magnitude
        var fraction = pad(magnitude % scale, places)
        while fraction.hasSuffix("0") { fraction.removeLast() }
        if fraction.isEmpty { fraction = "0" }
        return "\(value < 0 ? "-" : "")\(magnitude / scale).\(fraction)"
    }

    /// Decimal digits, zero-padded on the left to `width`.
    func pad(_ value: UInt64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Sixteen lowercase hex digits.
    func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Characters `from..<to` of an ASCII string.
    func slice(_ text: String, _ from: Int, _ to: Int) -> Substring {
        let start = text.index(text.startIndex, offsetBy: from)
        return text[start..<text.index(start, offsetBy: to - from)]
    }

    // String pools, exactly as they appear between the quotes in the file; generated from make-jsonl.py's pools so
    // the bytes match (raw strings keep the JSON escapes literal).
    static let firstNames: [String] = [
        "Alice", "Bob", "Chloé", "Dmitri", "Émile", "Fatima", "Gustavo", "Hiroshi", "Ingrid", "José", "Kwame",
        #"Ren\u00e9e"#, "Siobhán", "Zoë", "Łukasz", "李",
    ]
    static let lastNames: [String] = [
        "Smith", "O'Brien", "Müller", "García", "Nguyễn", "Kowalski", "Søndergaard", #"\"Ace\" Jones"#, "田中",
        "Dubois", "Okafor", "Virtanen",
    ]
    static let domains: [String] = ["example.com", "mail.example.org", "shop.example.net"]
    static let currencies: [String] = ["EUR", "USD", "JPY", "GBP"]
    static let tags: [String] = ["new", "sale", "vip", "returning", "mobile", "web", "gift", "priority", "eu", "beta"]
    static let streets: [String] = ["Main St", "Hauptstraße", "Rue de la Paix", "Calle Mayor", "Elm Ave", "Øster Allé"]
    static let cities: [String] = [
        "Berlin", "東京", "São Paulo", "Zürich", "Kraków", "New York", "Reykjavík", "Montréal", "Cairo", "Mumbai",
    ]
    static let countries: [String] = ["DE", "JP", "BR", "CH", "PL", "US", "IS", "CA", "EG", "IN"]
    static let notes: [String] = [
        "Leave at the door", #"Call before delivery\nGate code: 1234"#, #"Fragile \u2014 handle with care"#,
        #"Customer said \"thanks!\""#, #"Path: C:\\Users\\shop"#, #"Tab\tseparated\tvalues"#,
        #"Emoji \ud83d\ude00 and 🚀"#, #"Ctrl char \u0001 here"#, "Grüße aus Köln",
    ]
    static let events: [String] = ["created", "paid", "shipped", "delivered", "refunded", "login"]
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and easy to reproduce exactly in Python.
struct SplitMix64: Sendable {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

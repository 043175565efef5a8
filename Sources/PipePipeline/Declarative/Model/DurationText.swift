/// Durations as written in definitions: a number and a unit, `250ms`, `2s`, `1.5m`, `1h` (or `us`, `ns`).
enum DurationText {
    static let units: [(suffix: String, seconds: Double)] = [
        ("ns", 1e-9), ("us", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600),
    ]

    /// The duration `text` names, or `nil` when it is not a non-negative number with a unit (at most a day).
    static func parse(_ text: String) -> Duration? {
        for (suffix, seconds) in units.sorted(by: { $0.suffix.count > $1.suffix.count }) where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)), number.isFinite, number >= 0 else { return nil }
            let total = number * seconds
            guard total <= 86_400 else { return nil }
            return .nanoseconds(Int64((total * 1e9).rounded()))
        }
        return nil
    }

    /// `duration` in the largest unit that writes it exactly (`1500ms`, `2s`).
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        for (suffix, size) in [
            ("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000),
            ("ms", 1_000_000), ("us", 1_000),
        ] as [(String, Int64)]
        where nanoseconds != 0 && nanoseconds % size == 0 {
            return "\(nanoseconds / size)\(suffix)"
        }
        return "\(nanoseconds)ns"
    }
}

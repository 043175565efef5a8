#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The checks every identifier type shares, written once so the rules and their error messages stay consistent.
///
/// Every failure is a ``PipeError`` with code ``PipeError/Code/invalidIdentifier``, a message that names the kind of
/// identifier and the rule it broke, and `details["rule"]` set to a stable ``Rule`` name that tests and clients can
/// match on without parsing the message.
enum IdentifierRules {
    /// Names of the rules, reported in `PipeError.details["rule"]`.
    enum Rule: String {
        case length
        case characters
        case start
        case end
        case consecutiveDots
        case label
        case ipAddress
        case leadingSlash
        case controlCharacter
        case dotSegment
        case emptySegment
        case backslash
    }

    /// Longest prefix of the rejected input echoed in a message. Inputs can be long (keys up to 1024 bytes and more)
    /// and come from untrusted callers, so messages show a bounded, escaped excerpt rather than the raw value.
    static let echoLimit = 64

    /// Makes the error for a broken rule.
    static func violation(_ kind: String, _ raw: String, _ rule: Rule, _ reason: String) -> PipeError {
        PipeError(.invalidIdentifier, "invalid \(kind) \(excerpt(raw)): \(reason)", details: ["rule": rule.rawValue])
    }

    /// The input quoted and escaped (control characters become `\u{…}`), cut after ``echoLimit`` scalars.
    static func excerpt(_ raw: String) -> String {
        let scalars = raw.unicodeScalars
        if scalars.dropFirst(echoLimit).isEmpty { return raw.debugDescription }
        let shown = String(String.UnicodeScalarView(scalars.prefix(echoLimit)))
        return shown.debugDescription + "…"
    }

    /// Checks that `count` (of `unit`, e.g. "characters" or "UTF-8 bytes") lies within `bounds`.
    static func checkLength(
        _ count: Int,
        in bounds: ClosedRange<Int>,
        unit: String,
        kind: String,
        raw: String
    ) throws(PipeError) {
        guard !bounds.contains(count) else { return }
        let range =
            bounds.lowerBound == bounds.upperBound
            ? "\(bounds.lowerBound)" : "\(bounds.lowerBound)–\(bounds.upperBound)"
        throw violation(kind, raw, .length, "must be \(range) \(unit) long (is \(count))")
    }

    /// Checks that every byte of `raw` is in `allowed`.
    static func checkCharacters(_ raw: String, allowed: ASCIISet, kind: String) throws(PipeError) {
        let utf8 = raw.utf8
        guard let index = utf8.firstIndex(where: { !allowed.contains($0) }) else { return }
        // Every byte before `index` is ASCII, so `index` starts a scalar and the byte offset is the character offset.
        let scalar = raw.unicodeScalars[index]
        let offset = utf8.distance(from: utf8.startIndex, to: index)
        throw violation(
            kind, raw, .characters,
            "may contain only \(allowed.summary) (found '\(scalar.escaped(asASCII: false))' at offset \(offset))"
        )
    }

    /// Checks the first byte against `first` and the last against `last` (either may be `nil` for no rule).
    static func checkEdges(_ raw: String, first: ASCIISet?, last: ASCIISet?, kind: String) throws(PipeError) {
        if let first, let byte = raw.utf8.first, !first.contains(byte) {
            throw violation(kind, raw, .start, "must start with \(first.summary)")
        }
        if let last, let byte = raw.utf8.last, !last.contains(byte) {
            throw violation(kind, raw, .end, "must end with \(last.summary)")
        }
    }

    /// The full check for an ASCII identifier: characters, then length, then first and last character.
    ///
    /// Characters come first so that non-ASCII input is reported as such rather than as a surprising length (the
    /// length of an all-ASCII string in characters equals its length in bytes).
    static func checkASCII(
        _ raw: String,
        kind: String,
        length: ClosedRange<Int>,
        allowed: ASCIISet,
        first: ASCIISet? = nil,
        last: ASCIISet? = nil
    ) throws(PipeError) {
        try checkCharacters(raw, allowed: allowed, kind: kind)
        try checkLength(raw.utf8.count, in: length, unit: "characters", kind: kind, raw: raw)
        try checkEdges(raw, first: first, last: last, kind: kind)
    }

    // MARK: Opaque ids

    /// Characters of an opaque id: URL- and filename-safe without escaping.
    static let opaqueIDCharacters = ASCIISet(
        summary: "letters, digits, '_' and '-'", lowercase: true, uppercase: true, digits: true, extra: "_-"
    )

    /// The rule shared by ``JobID``, ``PipelineID``, ``UserID`` and ``SessionID``: 1–64 of `[A-Za-z0-9_-]`.
    static func checkOpaqueID(_ raw: String, kind: String) throws(PipeError) {
        try checkASCII(raw, kind: kind, length: 1...64, allowed: opaqueIDCharacters)
    }

    /// A new random opaque id made now with the system's secure generator.
    static func randomOpaqueID() -> String {
        var generator = SystemRandomNumberGenerator()
        return randomOpaqueID(milliseconds: currentMilliseconds(), using: &generator)
    }

    /// A 44-character id: 12 lowercase hex digits of `milliseconds` (Unix time, 48 bits, enough until the year 10889),
    /// then 32 hex digits of 128 random bits.
    ///
    /// The fixed-width time prefix makes string order follow creation order, so listings and cursors sorted by id
    /// come out oldest first; the 128 random bits keep ids unguessable and collision-free on their own.
    static func randomOpaqueID(milliseconds: UInt64, using generator: inout some RandomNumberGenerator) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(44)
        appendHex(milliseconds & 0xFFFF_FFFF_FFFF, digits: 12, to: &bytes)
        appendHex(generator.next(), digits: 16, to: &bytes)
        appendHex(generator.next(), digits: 16, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Milliseconds since 1970 from the wall clock, clamped to 0 for clocks set before it.
    static func currentMilliseconds() -> UInt64 {
        let milliseconds = Date().timeIntervalSince1970 * 1000
        return milliseconds > 0 ? UInt64(min(milliseconds, Double(0xFFFF_FFFF_FFFF))) : 0
    }

    private static func appendHex(_ value: UInt64, digits: Int, to bytes: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        for position in stride(from: digits - 1, through: 0, by: -1) {
            let nibble = Int((value >> UInt64(position * 4)) & 0xF)
            bytes.append(hex.utf8Start[nibble])
        }
    }
}

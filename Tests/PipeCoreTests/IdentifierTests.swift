import Foundation
import Testing

@testable import PipeCore

/// Wraps a value in an object so tests do not depend on the coder's handling of top-level fragments.
private struct Box<Value: Codable & Equatable>: Codable, Equatable {
    var value: Value
}

/// Asserts that `make` throws `invalid_identifier` for `rule`, and returns the error for further checks.
@discardableResult
private func expectViolation<T>(
    _ rule: String,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ make: () throws -> T
) -> PipeError? {
    let error = #expect(throws: PipeError.self, sourceLocation: sourceLocation) { try make() }
    #expect(error?.code == .invalidIdentifier, sourceLocation: sourceLocation)
    #expect(error?.details["rule"] == rule, "message: \(error?.message ?? "-")", sourceLocation: sourceLocation)
    return error
}

/// Encodes, checks the wire form is a plain string, decodes, and compares.
private func expectRoundTrip<ID: ValidatedIdentifier>(
    _ id: ID,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let data = try JSONEncoder().encode(Box(value: id))
    // A plain JSON string on the wire: it decodes as one.
    #expect(try JSONDecoder().decode(Box<String>.self, from: data).value == id.rawValue, sourceLocation: sourceLocation)
    #expect(try JSONDecoder().decode(Box<ID>.self, from: data).value == id, sourceLocation: sourceLocation)
}

/// Decodes `raw` as `ID` and expects a `dataCorrupted` error carrying the `invalid_identifier` PipeError.
private func expectDecodingRejects<ID: ValidatedIdentifier>(
    _ type: ID.Type,
    _ raw: String,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let json = try JSONEncoder().encode(Box(value: raw))
    let error = #expect(throws: DecodingError.self, sourceLocation: sourceLocation) {
        try JSONDecoder().decode(Box<ID>.self, from: json)
    }
    guard case .dataCorrupted(let context)? = error else {
        Issue.record("expected dataCorrupted, got \(String(describing: error))", sourceLocation: sourceLocation)
        return
    }
    let underlying = context.underlyingError as? PipeError
    #expect(underlying?.code == .invalidIdentifier, sourceLocation: sourceLocation)
    #expect(context.codingPath.last?.stringValue == "value", sourceLocation: sourceLocation)
}

@Suite("Identifiers")
struct IdentifierTests {
    // MARK: BucketName

    static let validBucketNames: [String] = [
        "abc", "photos", "my-bucket", "my.bucket.eu", "a1b", "123", "1.2.3", "1.2.3.4.5", "a.1.2.3", "xn--abc",
        String(repeating: "a", count: 63),
    ]

    static let invalidBucketNames: [(String, String)] = [
        ("", "length"),
        ("ab", "length"),
        (String(repeating: "a", count: 64), "length"),
        ("Photos", "characters"),
        ("my_bucket", "characters"),
        ("my bucket", "characters"),
        ("bücket", "characters"),
        ("bucket\u{0}", "characters"),
        ("-abc", "start"),
        (".abc", "start"),
        ("abc-", "end"),
        ("abc.", "end"),
        ("a..b", "consecutiveDots"),
        ("a.-b", "label"),
        ("a-.b", "label"),
        ("192.168.5.4", "ipAddress"),
        ("1.1.1.1", "ipAddress"),
        ("999.1.1.1", "ipAddress"),
    ]

    @Test("valid bucket names", arguments: IdentifierTests.validBucketNames)
    func validBucketName(raw: String) throws {
        let name = try BucketName(raw)
        #expect(name.rawValue == raw)
        #expect(name.description == raw)
        try expectRoundTrip(name)
    }

    @Test("invalid bucket names", arguments: IdentifierTests.invalidBucketNames)
    func invalidBucketName(raw: String, rule: String) throws {
        let error = expectViolation(rule) { try BucketName(raw) }
        #expect(error?.message.hasPrefix("invalid bucket name") == true)
        try expectDecodingRejects(BucketName.self, raw)
    }

    // MARK: ObjectKey

    static let validObjectKeys: [String] = [
        "a", "cat.jpg", "2024/photos/cat.jpg", ".hidden", "a/.hidden/b", "..a", "a/...",
        "a/.../b", "with space", "ünïcödé/文件.txt", "emoji/🐈.png",
        String(repeating: "a", count: 1024),
        String(repeating: "é", count: 512),  // 1024 bytes
    ]

    static let invalidObjectKeys: [(String, String)] = [
        ("", "length"),
        (String(repeating: "a", count: 1025), "length"),
        (String(repeating: "é", count: 513), "length"),  // 513 characters but 1026 bytes
        ("/a", "leadingSlash"),
        ("/", "leadingSlash"),
        ("a\u{0}b", "controlCharacter"),
        ("a\nb", "controlCharacter"),
        ("a\rb", "controlCharacter"),
        ("tab\there", "controlCharacter"),
        ("del\u{7F}", "controlCharacter"),
        ("c1\u{85}", "controlCharacter"),
        (".", "dotSegment"),
        ("..", "dotSegment"),
        ("a/./b", "dotSegment"),
        ("a/../b", "dotSegment"),
        ("../etc/passwd", "dotSegment"),
        ("a/.", "dotSegment"),
        ("folder/", "emptySegment"),
        ("a//b", "emptySegment"),
        ("a/b/", "emptySegment"),
        ("back\\slash", "backslash"),
        ("..\\..\\etc", "backslash"),
        ("a/..", "dotSegment"),
        ("./a", "dotSegment"),
    ]

    @Test("valid object keys", arguments: IdentifierTests.validObjectKeys)
    func validObjectKey(raw: String) throws {
        let key = try ObjectKey(raw)
        #expect(key.rawValue == raw)
        try expectRoundTrip(key)
    }

    @Test("invalid object keys", arguments: IdentifierTests.invalidObjectKeys)
    func invalidObjectKey(raw: String, rule: String) throws {
        let error = expectViolation(rule) { try ObjectKey(raw) }
        #expect(error?.message.hasPrefix("invalid object key") == true)
        try expectDecodingRejects(ObjectKey.self, raw)
    }

    @Test("object keys compare by UTF-8 bytes, not canonical equivalence")
    func objectKeyByteEquality() throws {
        let precomposed = try ObjectKey("caf\u{E9}")
        let decomposed = try ObjectKey("cafe\u{301}")
        #expect("caf\u{E9}" == "cafe\u{301}")  // why ObjectKey does not use String equality
        #expect(precomposed != decomposed)
        #expect(Set([precomposed, decomposed]).count == 2)
        #expect(try ObjectKey("a") == ObjectKey("a"))
        #expect(try ObjectKey("Z") < ObjectKey("a"))
        #expect(try ObjectKey("a") < ObjectKey("a/b"))
        #expect(try ObjectKey("photos/cat.jpg").hasPrefix("photos/"))
        #expect(try !ObjectKey("photos/cat.jpg").hasPrefix("Photos/"))
    }

    // MARK: Opaque ids

    static let validOpaqueIDs: [String] = [
        "a", "7", "job_123", "A-b_C", "550e8400-e29b-41d4-a716-446655440000", String(repeating: "z", count: 64),
    ]

    static let invalidOpaqueIDs: [(String, String)] = [
        ("", "length"),
        (String(repeating: "z", count: 65), "length"),
        ("a b", "characters"),
        ("a.b", "characters"),
        ("a/b", "characters"),
        ("é", "characters"),
        ("a\u{0}", "characters"),
        ("a+b", "characters"),
    ]

    @Test("valid opaque ids", arguments: IdentifierTests.validOpaqueIDs)
    func validOpaqueID(raw: String) throws {
        #expect(try JobID(raw).rawValue == raw)
        #expect(try PipelineID(raw).rawValue == raw)
        #expect(try UserID(raw).rawValue == raw)
        #expect(try SessionID(raw).rawValue == raw)
        try expectRoundTrip(JobID(raw))
        try expectRoundTrip(PipelineID(raw))
        try expectRoundTrip(UserID(raw))
        try expectRoundTrip(SessionID(raw))
    }

    @Test("invalid opaque ids", arguments: IdentifierTests.invalidOpaqueIDs)
    func invalidOpaqueID(raw: String, rule: String) throws {
        let error = expectViolation(rule) { try JobID(raw) }
        #expect(error?.message.hasPrefix("invalid job id") == true)
        if raw != "a.b" && raw.count != 65 { expectViolation(rule) { try PipelineID(raw) } }
        expectViolation(rule) { try UserID(raw) }
        expectViolation(rule) { try SessionID(raw) }
        try expectDecodingRejects(JobID.self, raw)
        if raw != "a.b" && raw.count != 65 { try expectDecodingRejects(PipelineID.self, raw) }
        try expectDecodingRejects(UserID.self, raw)
        try expectDecodingRejects(SessionID.self, raw)
    }

    @Test("pipeline ids also take every pipeline name: dots and up to 128 characters")
    func pipelineIDs() throws {
        for raw in ["daily-orders.v2", String(repeating: "p", count: 128), "a.b"] {
            #expect(try PipelineID(raw).rawValue == raw)
            #expect(PipelineID(name: try PipelineName(raw)).rawValue == raw)
        }
        expectViolation("length") { try PipelineID(String(repeating: "p", count: 129)) }
        expectViolation("characters") { try PipelineID("a/b") }
    }

    /// Checks the documented form of `random()`: 44 lowercase hex digits, valid, unique.
    private func checkRandom<ID: ValidatedIdentifier>(_ make: () -> ID) throws {
        let ids = (0..<500).map { _ in make() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.rawValue.utf8.count == 44)
            #expect(id.rawValue.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            #expect(try ID(id.rawValue) == id)
        }
    }

    @Test("random() makes valid, unique, 44-digit hex ids")
    func randomIDs() throws {
        try checkRandom { JobID.random() }
        try checkRandom { PipelineID.random() }
        try checkRandom { UserID.random() }
        try checkRandom { SessionID.random() }
    }

    /// Counts up, so the random half of an id is predictable in tests.
    private struct CountingGenerator: RandomNumberGenerator {
        var value: UInt64 = 0
        mutating func next() -> UInt64 {
            value += 1
            return value
        }
    }

    @Test("random ids are time-prefixed and sort by creation time")
    func randomIDForm() {
        var generator = CountingGenerator()
        let earlier = IdentifierRules.randomOpaqueID(milliseconds: 1_700_000_000_000, using: &generator)
        #expect(earlier == "018bcfe56800" + "0000000000000001" + "0000000000000002")
        let later = IdentifierRules.randomOpaqueID(milliseconds: 1_700_000_000_001, using: &generator)
        #expect(later.hasPrefix("018bcfe56801"))
        // A later time sorts later even when its random part is smaller.
        var small = CountingGenerator()
        #expect(earlier < IdentifierRules.randomOpaqueID(milliseconds: 1_700_000_000_001, using: &small))
        let now = IdentifierRules.currentMilliseconds()
        #expect(now > 1_700_000_000_000)
    }

    // MARK: PipelineName

    static let validPipelineNames: [String] = [
        "a", "A1", "9lives", "resize_images", "daily-orders.v2", String(repeating: "p", count: 128),
    ]

    static let invalidPipelineNames: [(String, String)] = [
        ("", "length"),
        (String(repeating: "p", count: 129), "length"),
        ("-x", "start"),
        (".x", "start"),
        ("_x", "start"),
        ("a b", "characters"),
        ("a/b", "characters"),
        ("naïve", "characters"),
    ]

    @Test("valid pipeline names", arguments: IdentifierTests.validPipelineNames)
    func validPipelineName(raw: String) throws {
        let name = try PipelineName(raw)
        #expect(name.rawValue == raw)
        try expectRoundTrip(name)
    }

    @Test("invalid pipeline names", arguments: IdentifierTests.invalidPipelineNames)
    func invalidPipelineName(raw: String, rule: String) throws {
        let error = expectViolation(rule) { try PipelineName(raw) }
        #expect(error?.message.hasPrefix("invalid pipeline name") == true)
        try expectDecodingRejects(PipelineName.self, raw)
    }

    // MARK: Messages

    @Test("messages name the rule and show a bounded, escaped excerpt of the input")
    func messages() {
        let character = expectViolation("characters") { try BucketName("Photos") }
        #expect(character?.message.contains("lowercase letters, digits, '-' and '.'") == true)
        #expect(character?.message.contains("'P' at offset 0") == true)

        let long = expectViolation("length") {
            try ObjectKey(String(repeating: "k", count: 5000))
        }
        #expect(long?.message.contains("1–1024 UTF-8 bytes") == true)
        #expect(long?.message.contains("is 5000") == true)
        #expect((long?.message.count ?? .max) < 200)

        let control = expectViolation("controlCharacter") { try ObjectKey("a\u{0}\nb") }
        #expect(control?.message.unicodeScalars.contains { $0.properties.generalCategory == .control } == false)
    }
}

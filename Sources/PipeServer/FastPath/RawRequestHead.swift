/// An HTTP/1.1 request head read straight from a connection's bytes by ``RawFastPathHandler``, strictly: anything
/// the strict grammar below does not cover is left to Hummingbird's parser, with the rest of the connection.
///
/// The grammar is a subset of RFC 9112 that every conforming parser frames the same way, so the handler can tell
/// exactly where one request ends and hand whole requests to the router's parser: request line
/// `METHOD SP origin-form SP HTTP/1.1 CRLF`, then fields `token ":" OWS visible-text OWS CRLF`, then `CRLF`, then
/// as many body bytes as one `Content-Length` of plain digits says (none without one). A head with a chunked body
/// (`Transfer-Encoding`), an `Expect`, or that changes the connection (`Upgrade`, any `Connection` but `keep-alive`)
/// is not framed here at all.
struct RawRequestHead {
    enum Method {
        case get, head
        /// A method only the router answers.
        case other
    }

    enum Outcome {
        /// More bytes are needed to see the whole head.
        case incomplete
        /// Not in the strict grammar, or a request whose end is not the end of its head: the router's parser takes
        /// over the connection from here.
        case unframed
        case head(RawRequestHead)
    }

    /// Bytes of the head, the final empty line included: where the body starts.
    var length: Int
    /// Bytes of the body (`Content-Length`).
    var bodyLength = 0
    var method: Method
    var target: String
    var authorization: String?
    var authorizationCount = 0
    var forwardedFor: String?
    /// A field whose handling is the router's: a range, a precondition, CORS.
    var hasDeclinedField = false

    /// Reads the head at the start of `bytes`, looking at most `maximumLength` bytes and `maximumFields` fields.
    static func parse(_ bytes: UnsafeRawBufferPointer, maximumLength: Int, maximumFields: Int) -> Outcome {
        guard let end = headEnd(bytes, maximumLength: maximumLength) else {
            return bytes.count >= maximumLength ? .unframed : .incomplete
        }
        var reader = Reader(bytes: bytes, index: 0, end: end)
        guard let method = reader.method(), reader.skip(space),
            let target = reader.target(), reader.skip(space), reader.skip(version)
        else { return .unframed }
        var head = RawRequestHead(length: end, method: method, target: target)
        var fields = 0
        var sawLength = false
        while !reader.skip(crlf) {
            fields += 1
            guard fields <= maximumFields, let (name, value) = reader.field() else { return .unframed }
            switch FieldName(name) {
            case .authorization:
                head.authorizationCount += 1
                head.authorization = String(decoding: value, as: UTF8.self)
            case .forwardedFor:
                let text = String(decoding: value, as: UTF8.self)
                head.forwardedFor = head.forwardedFor.map { $0 + ", " + text } ?? text
            case .declined:
                head.hasDeclinedField = true
            case .connection:
                guard equalsLowercased(value, keepAlive) else { return .unframed }
            case .contentLength:
                guard !sawLength, let length = decimal(value) else { return .unframed }
                sawLength = true
                head.bodyLength = length
            case .unframed:
                return .unframed
            case .other:
                break
            }
        }
        return .head(head)
    }

    /// The offset just past the first `CRLF CRLF`, if it lies within `maximumLength` bytes.
    private static func headEnd(_ bytes: UnsafeRawBufferPointer, maximumLength: Int) -> Int? {
        let limit = min(bytes.count, maximumLength)
        var index = 3
        while index < limit {
            if bytes[index] == lf && bytes[index - 1] == cr && bytes[index - 2] == lf && bytes[index - 3] == cr {
                return index + 1
            }
            index += 1
        }
        return nil
    }

    /// `digits` as a number: 1 to 15 ASCII digits, nothing else (no sign, no list, no spaces).
    private static func decimal(_ digits: UnsafeRawBufferPointer.SubSequence) -> Int? {
        guard (1...15).contains(digits.count) else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// The fields whose presence changes what the raw path does.
    private enum FieldName {
        case authorization, forwardedFor, declined, connection, contentLength, unframed, other

        init(_ name: UnsafeRawBufferPointer.SubSequence) {
            switch name.count {
            case 14 where equalsLowercased(name, contentLengthName): self = .contentLength
            case 13 where equalsLowercased(name, authorizationName): self = .authorization
            case 15 where equalsLowercased(name, forwardedForName): self = .forwardedFor
            case 10 where equalsLowercased(name, connectionName): self = .connection
            default:
                if unframedNames.contains(where: { $0.count == name.count && equalsLowercased(name, $0) }) {
                    self = .unframed
                } else if declinedNames.contains(where: { $0.count == name.count && equalsLowercased(name, $0) }) {
                    self = .declined
                } else {
                    self = .other
                }
            }
        }
    }

    /// `bytes` equals `lowercase` ignoring ASCII case (`lowercase` is lowercase ASCII).
    private static func equalsLowercased(_ bytes: UnsafeRawBufferPointer.SubSequence, _ lowercase: [UInt8]) -> Bool {
        guard bytes.count == lowercase.count else { return false }
        var index = bytes.startIndex
        for expected in lowercase {
            let byte = bytes[index]
            guard byte == expected || (byte >= 0x41 && byte <= 0x5A && byte | 0x20 == expected) else { return false }
            index += 1
        }
        return true
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index: Int
        let end: Int

        mutating func skip(_ literal: [UInt8]) -> Bool {
            guard end - index >= literal.count else { return false }
            for (offset, byte) in literal.enumerated() where bytes[index + offset] != byte { return false }
            index += literal.count
            return true
        }

        mutating func method() -> Method? {
            if skip(RawRequestHead.get) { return .get }
            if skip(RawRequestHead.head) { return .head }
            for name in RawRequestHead.otherMethods where skip(name) { return .other }
            return nil
        }

        /// An origin-form target: `/` then visible ASCII up to the next space.
        mutating func target() -> String? {
            guard index < end, bytes[index] == UInt8(ascii: "/") else { return nil }
            let start = index
            while index < end, bytes[index] > 0x20, bytes[index] < 0x7F { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// One `name: value CRLF` line; the value without its surrounding spaces and tabs.
        mutating func field() -> (UnsafeRawBufferPointer.SubSequence, UnsafeRawBufferPointer.SubSequence)? {
            let nameStart = index
            while index < end, tokenBytes[Int(bytes[index])] { index += 1 }
            guard index > nameStart, index < end, bytes[index] == UInt8(ascii: ":") else { return nil }
            let name = bytes[nameStart..<index]
            index += 1
            while index < end, bytes[index] == space[0] || bytes[index] == tab { index += 1 }
            let valueStart = index
            var valueEnd = index
            while index < end {
                let byte = bytes[index]
                if byte == cr { break }
                guard (byte >= 0x20 && byte < 0x7F) || byte == tab else { return nil }
                index += 1
                if byte != space[0] && byte != tab { valueEnd = index }
            }
            guard skip(crlf) else { return nil }
            return (name, bytes[valueStart..<valueEnd])
        }
    }

    private static let get = Array("GET".utf8)
    private static let head = Array("HEAD".utf8)
    private static let otherMethods = ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"].map { Array($0.utf8) }
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let tab = UInt8(ascii: "\t")
    private static let space = Array(" ".utf8)
    private static let crlf = Array("\r\n".utf8)
    private static let version = Array("HTTP/1.1\r\n".utf8)
    private static let keepAlive = Array("keep-alive".utf8)
    private static let authorizationName = Array("authorization".utf8)
    private static let forwardedForName = Array("x-forwarded-for".utf8)
    private static let connectionName = Array("connection".utf8)
    private static let contentLengthName = Array("content-length".utf8)
    /// Fields that give the request a body of unknown length or change the connection.
    private static let unframedNames = ["transfer-encoding", "expect", "upgrade"].map { Array($0.utf8) }
    /// Fields whose handling is the router's: ranges, preconditions, CORS.
    private static let declinedNames = [
        "range", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "if-range", "origin",
    ].map { Array($0.utf8) }
    /// RFC 9110 `tchar`, by byte.
    private static let tokenBytes: [Bool] = (0..<256).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default: return Array("!#$%&'*+-.^_`|~".utf8).contains(UInt8(byte))
        }
    }
}

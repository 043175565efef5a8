/// An incremental parser of a `text/event-stream` body (the WHATWG Server-Sent Events format): feed it bytes as they
/// arrive, in chunks of any size, and take the events each chunk completes.
///
/// Lines end in LF, CR or CRLF (a CR at the end of one chunk and an LF at the start of the next are one line end).
/// `event:` names the event (default `message`), `data:` lines are joined with LF, `id:` and `retry:` are kept,
/// lines starting with `:` are comments, and a blank line dispatches the event; an event with no data is dropped.
/// A line longer than ``maxLineBytes`` is an error rather than unbounded memory.
struct ServerSentEventParser {
    struct Event: Sendable, Hashable {
        var name: String
        var data: String
        var id: String?
    }

    static let maxLineBytes = 1 << 20

    private var line: [UInt8] = []
    private var afterCR = false
    private var name = ""
    private var data: [String] = []
    private var id: String?
    private(set) var lastEventID: String?

    /// The events completed by `bytes`.
    mutating func feed(_ bytes: some Sequence<UInt8>) throws(ServerSentEventError) -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            if afterCR {
                afterCR = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            switch byte {
            case UInt8(ascii: "\n"):
                if let event = endLine() { events.append(event) }
            case UInt8(ascii: "\r"):
                afterCR = true
                if let event = endLine() { events.append(event) }
            default:
                guard line.count < Self.maxLineBytes else { throw .lineTooLong }
                line.append(byte)
            }
        }
        return events
    }

    private mutating func endLine() -> Event? {
        defer { line.removeAll(keepingCapacity: true) }
        guard !line.isEmpty else { return dispatch() }
        if line.first == UInt8(ascii: ":") { return nil }
        let text = String(decoding: line, as: UTF8.self)
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            field = text[...]
            value = ""
        }
        switch field {
        case "event": name = String(value)
        case "data": data.append(String(value))
        case "id": if !value.contains("\0") { id = String(value) }
        default: break
        }
        return nil
    }

    private mutating func dispatch() -> Event? {
        defer {
            name = ""
            data = []
        }
        if let id { lastEventID = id }
        guard !data.isEmpty else { return nil }
        return Event(name: name.isEmpty ? "message" : name, data: data.joined(separator: "\n"), id: lastEventID)
    }
}

enum ServerSentEventError: Error {
    case lineTooLong
}

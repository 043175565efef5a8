import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PipeCore

/// JSON in and out through PipeCore's parser and writer: bounded, strict, and the same bytes the rest of Pipe
/// reads and writes.
enum JSONResponse {
    static func make(_ value: JSONValue, status: Int = 200) -> Response {
        var writer = JSONWriter(capacity: 256)
        writer.write(value)
        let bytes = writer.bytes
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(bytes.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func noContent() -> Response { Response(status: .noContent) }

    /// One page of a listing: `{"<name>": [...], "nextCursor"?: "..."}`.
    static func page<Item>(_ name: String, _ page: Page<Item>, _ json: (Item) -> JSONValue) -> Response {
        var members: [(String, JSONValue)] = [(name, .array(page.items.map(json)))]
        if let next = page.nextCursor { members.append(("nextCursor", .string(next))) }
        return make(.object(JSONObject(members)))
    }
}

extension Request {
    /// The body as a JSON object, at most `limit` bytes; `invalid_json` for anything else.
    func jsonObject(limit: Int) async throws(PipeError) -> JSONObject {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: limit)
        } catch {
            throw PipeError(.limitExceeded, "the request body is larger than \(limit) bytes")
        }
        let value = try JSONValue(parsing: Array(buffer.readableBytesView), options: JSONParsingOptions(maxDepth: 32, maxBytes: limit))
        guard case .object(let object) = value else { throw PipeError(.invalidJSON, "the request body must be a JSON object") }
        return object
    }
}

extension Request {
    /// A `true`/`false` query flag; `false` when absent, `invalid_argument` for anything else (a typo must not
    /// silently mean "no").
    func flag(_ name: String) throws(PipeError) -> Bool {
        switch uri.queryParameters.get(name) {
        case nil, "false": return false
        case "true": return true
        default: throw PipeError(.invalidArgument, "\(name) must be true or false", details: ["field": name])
        }
    }

    /// A listing's page size (`limit`, default `defaultLimit`, at most `maxLimit`) and `cursor` from the query.
    func page(defaultLimit: Int = 100, maxLimit: Int = Paging.maxLimit) throws(PipeError) -> (limit: Int, cursor: String?) {
        let query = uri.queryParameters
        var limit = defaultLimit
        if let text = query.get("limit") {
            guard let value = Int(text), (1...maxLimit).contains(value) else {
                throw PipeError(.invalidArgument, "limit must be a number from 1 to \(maxLimit)", details: ["field": "limit"])
            }
            limit = value
        }
        return (limit, query.get("cursor"))
    }
}

extension JSONObject {
    /// Refuses members outside `allowed`: a misspelt or smuggled field (`roles`, `owner`) is an error, not ignored.
    func onlyFields(_ allowed: Set<String>) throws(PipeError) {
        if let unknown = keys.first(where: { !allowed.contains($0) }) {
            throw PipeError(.invalidArgument, "unknown field \(String(unknown.prefix(64)))", details: ["field": String(unknown.prefix(64))])
        }
    }

    func string(_ key: String, required: Bool = true) throws(PipeError) -> String? {
        switch self[key] {
        case .string(let text)?: return text
        case nil, .null?:
            if required { throw PipeError(.invalidArgument, "\(key) is required", details: ["field": key]) }
            return nil
        default: throw PipeError(.invalidArgument, "\(key) must be a string", details: ["field": key])
        }
    }

    /// An optional array of at most `limit` strings; `nil` when absent.
    func strings(_ key: String, limit: Int = 100) throws(PipeError) -> [String]? {
        guard let value = self[key], !value.isNull else { return nil }
        guard let items = value.arrayValue, items.count <= limit, items.allSatisfy({ $0.stringValue != nil }) else {
            throw PipeError(.invalidArgument, "\(key) must be an array of at most \(limit) strings", details: ["field": key])
        }
        return items.compactMap(\.stringValue)
    }

    /// An optional whole number within `range`; `nil` when absent.
    func int(_ key: String, in range: ClosedRange<Int>) throws(PipeError) -> Int? {
        guard let value = self[key], !value.isNull else { return nil }
        guard case .number(let number) = value, let int = number.exactInt, range.contains(int) else {
            throw PipeError(
                .invalidArgument, "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)",
                details: ["field": key])
        }
        return int
    }

    /// An optional boolean; `nil` when absent.
    func bool(_ key: String) throws(PipeError) -> Bool? {
        switch self[key] {
        case .bool(let flag)?: return flag
        case nil, .null?: return nil
        default: throw PipeError(.invalidArgument, "\(key) must be true or false", details: ["field": key])
        }
    }

    /// An optional array of records (JSON values); `nil` when absent.
    func records(_ key: String) throws(PipeError) -> [JSONValue]? {
        guard let value = self[key], !value.isNull else { return nil }
        guard let records = value.arrayValue else {
            throw PipeError(.invalidArgument, "\(key) must be an array of records", details: ["field": key])
        }
        return records
    }

    func requiredString(_ key: String) throws(PipeError) -> String {
        guard let text = try string(key) else { throw PipeError(.invalidArgument, "\(key) is required", details: ["field": key]) }
        return text
    }
}

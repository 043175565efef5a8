import Foundation
import PipeCore

/// The gateway's JSON shapes, read into PipeCore's models and written from them. Anything malformed is a
/// `protocol_error`: the server said something this client does not understand.
enum WireFormat {
    static func malformed(_ what: String) -> PipeError {
        PipeError(.protocolError, "the server's answer is not a valid \(what)")
    }

    static func object(_ value: JSONValue, _ what: String) throws(PipeError) -> JSONValue {
        guard case .object = value else { throw malformed(what) }
        return value
    }

    static func string(_ value: JSONValue, _ key: String, _ what: String) throws(PipeError) -> String {
        guard let text = value[key]?.stringValue else { throw malformed(what) }
        return text
    }

    static func date(_ value: JSONValue, _ key: String, _ what: String) throws(PipeError) -> Date {
        guard let text = value[key]?.stringValue, let date = try? Date(text, strategy: .iso8601) else {
            throw malformed(what)
        }
        return date
    }

    static func int64(_ value: JSONValue, _ key: String) -> Int64? {
        value[key]?.intValue.map(Int64.init)
    }

    static func bucket(_ value: JSONValue) throws(PipeError) -> Bucket {
        let what = "bucket"
        _ = try object(value, what)
        let options = BucketOptions(
            isPublic: value["public"]?.boolValue ?? false, fileSizeLimit: int64(value, "fileSizeLimit"),
            allowedContentTypes: value["allowedContentTypes"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            defaultCacheControl: value["defaultCacheControl"]?.stringValue,
            encryptedAtRest: value["encryptedAtRest"]?.boolValue ?? false, maxBytes: int64(value, "maxBytes"),
            maxObjects: int64(value, "maxObjects"))
        return Bucket(
            name: try BucketName(try string(value, "name", what)), options: options,
            createdAt: try date(value, "createdAt", what), updatedAt: try date(value, "updatedAt", what))
    }

    static func options(_ options: BucketOptions) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [
            ("public", .bool(options.isPublic)), ("encryptedAtRest", .bool(options.encryptedAtRest)),
            ("allowedContentTypes", .array(options.allowedContentTypes.map { .string($0) })),
        ]
        if let limit = options.fileSizeLimit { members.append(("fileSizeLimit", .number(.int(limit)))) }
        if let cache = options.defaultCacheControl { members.append(("defaultCacheControl", .string(cache))) }
        if let bytes = options.maxBytes { members.append(("maxBytes", .number(.int(bytes)))) }
        if let objects = options.maxObjects { members.append(("maxObjects", .number(.int(objects)))) }
        return members
    }

    static func objectInfo(_ value: JSONValue) throws(PipeError) -> ObjectInfo {
        let what = "object record"
        _ = try object(value, what)
        guard let size = int64(value, "size") else { throw malformed(what) }
        var metadata: [String: String] = [:]
        for member in value["metadata"]?.objectValue ?? JSONObject() {
            if let text = member.value.stringValue { metadata[member.key] = text }
        }
        return ObjectInfo(
            bucket: try BucketName(try string(value, "bucket", what)), key: try ObjectKey(try string(value, "key", what)),
            size: size, contentType: try string(value, "contentType", what), etag: try string(value, "etag", what),
            cacheControl: value["cacheControl"]?.stringValue, metadata: metadata,
            createdAt: try date(value, "createdAt", what), updatedAt: try date(value, "updatedAt", what))
    }

    static func job(_ value: JSONValue) throws(PipeError) -> Job {
        let what = "job"
        _ = try object(value, what)
        guard let state = JobState(rawValue: try string(value, "state", what)), let attempts = value["attempts"]?.intValue
        else { throw malformed(what) }
        return Job(
            id: try JobID(try string(value, "id", what)), pipeline: try PipelineID(try string(value, "pipeline", what)),
            state: state, attempts: attempts, createdAt: try date(value, "createdAt", what),
            updatedAt: try date(value, "updatedAt", what), error: value["error"]?.stringValue,
            owner: try value["owner"]?.stringValue.map { text throws(PipeError) in try UserID(text) })
    }

    static func page<Element>(
        _ value: JSONValue, _ name: String, _ element: (JSONValue) throws(PipeError) -> Element
    ) throws(PipeError) -> Page<Element> {
        guard let items = value[name]?.arrayValue else { throw malformed("list of \(name)") }
        var elements: [Element] = []
        elements.reserveCapacity(items.count)
        for item in items { elements.append(try element(item)) }
        return Page(items: elements, nextCursor: value["nextCursor"]?.stringValue)
    }

    /// The error a gateway error body describes (`{"error": {code, message, details?}}`); without a body (HEAD),
    /// the code its `Pipe-Error-Code` header names; else a generic one for the status.
    static func error(status: Int, body: [UInt8], headers: HTTPHeaders = [:]) -> PipeError {
        if let value = try? JSONValue(parsing: body), let error = value["error"],
            let code = error["code"]?.stringValue, let message = error["message"]?.stringValue
        {
            var details: [String: String] = [:]
            for member in error["details"]?.objectValue ?? JSONObject() {
                if let text = member.value.stringValue { details[member.key] = text }
            }
            if let requestID = error["requestId"]?.stringValue { details["requestId"] = requestID }
            return PipeError(PipeError.Code(rawValue: code), message, details: details)
        }
        if let code = headers["Pipe-Error-Code"], code.utf8.count <= 64 {
            return PipeError(PipeError.Code(rawValue: code), "the server answered \(status) (\(code))", details: ["status": String(status)])
        }
        let code: PipeError.Code =
            switch status {
            case 401: .unauthenticated
            case 403: .forbidden
            case 404: .notFound
            case 409: .conflict
            case 429: .rateLimited
            case 502, 503, 504: .unavailable
            default: status >= 500 ? .internalError : .invalidArgument
            }
        return PipeError(code, "the server answered \(status)", details: ["status": String(status)])
    }
}

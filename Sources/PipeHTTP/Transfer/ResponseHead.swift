import PipeCore

/// The status line and header fields of a response, before its body.
struct ResponseHead: Sendable {
    var status: Int
    var version: String
    var headers: HTTPHeaders
}

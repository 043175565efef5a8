import Foundation
import Testing

@testable import PipeCore

/// The keys of the JSON object `value` encodes to.
private func encodedKeys(_ value: some Encodable) throws -> Set<String> {
    let data = try JSONEncoder().encode(value)
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    return Set(object.keys)
}

private func roundTrip<T: Codable & Equatable>(_ value: T) throws -> T {
    try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value))
}

private let epoch = Date(timeIntervalSince1970: 1_700_000_000)

@Suite("Job state machine")
struct JobStateTests {
    /// Every allowed move; every other pair is forbidden.
    static let allowed: [(JobState, JobState)] = [
        (.queued, .running), (.queued, .cancelled),
        (.running, .succeeded), (.running, .failed), (.running, .cancelled), (.running, .retrying),
        (.retrying, .running), (.retrying, .cancelled),
        (.failed, .deadLettered),
    ]

    @Test("transitions", arguments: JobState.allCases, JobState.allCases)
    func transition(from: JobState, to: JobState) {
        let expected = Self.allowed.contains { $0.0 == from && $0.1 == to }
        #expect(from.canTransition(to: to) == expected, "\(from) → \(to)")
    }

    @Test(
        "terminal states",
        arguments: [
            (JobState.queued, false), (.running, false), (.retrying, false),
            (.succeeded, true), (.failed, true), (.cancelled, true), (.deadLettered, true),
        ] as [(JobState, Bool)]
    )
    func terminal(state: JobState, isTerminal: Bool) {
        #expect(state.isTerminal == isTerminal)
    }

    @Test("no state moves to itself, and only failed leaves a terminal state", arguments: JobState.allCases)
    func invariants(state: JobState) {
        #expect(!state.canTransition(to: state))
        if state.isTerminal && state != .failed {
            #expect(JobState.allCases.allSatisfy { !state.canTransition(to: $0) })
        }
    }

    @Test("states encode as their case names")
    func wireNames() throws {
        let data = try JSONEncoder().encode(JobState.allCases)
        let names = try JSONDecoder().decode([String].self, from: data)
        #expect(names == ["queued", "running", "succeeded", "failed", "cancelled", "retrying", "deadLettered"])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([JobState].self, from: Data(#"["done"]"#.utf8)) }
    }

    @Test("Job.transition follows the state machine and counts attempts")
    func jobTransition() throws {
        var job = Job(pipeline: try PipelineID("p1"), createdAt: epoch)
        #expect(job.state == .queued && job.attempts == 0 && job.updatedAt == epoch)

        try job.transition(to: .running, at: epoch + 1)
        try job.transition(to: .retrying, at: epoch + 2)
        try job.transition(to: .running, at: epoch + 3)
        #expect(job.state == .running && job.attempts == 2 && job.updatedAt == epoch + 3)

        let before = job
        let error = #expect(throws: PipeError.self) { try job.transition(to: .queued, at: epoch + 4) }
        #expect(error?.code == .conflict)
        #expect(error?.details["from"] == "running")
        #expect(error?.details["to"] == "queued")
        #expect(job == before)

        try job.transition(to: .failed, at: epoch + 5)
        try job.transition(to: .deadLettered, at: epoch + 6)
        #expect(job.state == .deadLettered && job.attempts == 2)
        #expect(try roundTrip(job) == job)
    }
}

@Suite("Models")
struct ModelTests {
    @Test("Bucket encodes camelCase keys and round-trips")
    func bucketCodable() throws {
        let bucket = Bucket(
            name: try BucketName("photos"), isPublic: true, fileSizeLimit: 1 << 20, allowedContentTypes: ["image/*"],
            defaultCacheControl: "max-age=60", encryptedAtRest: true, createdAt: epoch, updatedAt: epoch + 1
        )
        #expect(
            try encodedKeys(bucket) == [
                "name", "isPublic", "fileSizeLimit", "allowedContentTypes", "defaultCacheControl", "encryptedAtRest",
                "createdAt", "updatedAt",
            ]
        )
        #expect(try roundTrip(bucket) == bucket)

        let minimal = Bucket(name: try BucketName("docs"), createdAt: epoch, updatedAt: epoch)
        let minimalKeys = try encodedKeys(minimal)
        #expect(!minimalKeys.contains("fileSizeLimit"))
        #expect(minimal.options == BucketOptions())
    }

    @Test("Bucket.options reads and replaces the settings")
    func bucketOptions() throws {
        let options = BucketOptions(isPublic: true, fileSizeLimit: 10, encryptedAtRest: true)
        var bucket = Bucket(name: try BucketName("photos"), options: options, createdAt: epoch, updatedAt: epoch)
        #expect(bucket.options == options)
        bucket.options = BucketOptions()
        #expect(!bucket.isPublic && bucket.fileSizeLimit == nil && !bucket.encryptedAtRest)
        #expect(bucket.updatedAt == epoch)
    }

    @Test(
        "Bucket content-type and size checks",
        arguments: [
            ([], "text/html", true),
            (["image/*"], "image/png", true),
            (["image/*"], "IMAGE/PNG", true),
            (["image/*"], "image", false),
            (["image/*"], "text/plain", false),
            (["image/*"], "imagex/png", false),
            (["application/pdf"], "application/pdf; charset=binary", true),
            (["application/pdf"], "  application/pdf  ", true),
            (["application/pdf"], "application/pdfx", false),
            (["Text/Plain; charset=utf-8"], "text/plain", true),
            (["*/*"], "anything/at-all", true),
        ] as [([String], String, Bool)]
    )
    func contentTypes(allowed: [String], contentType: String, accepted: Bool) throws {
        let bucket = Bucket(
            name: try BucketName("photos"), allowedContentTypes: allowed, createdAt: epoch, updatedAt: epoch
        )
        #expect(bucket.accepts(contentType: contentType) == accepted)
    }

    @Test("Bucket size limit")
    func sizeLimit() throws {
        var bucket = Bucket(name: try BucketName("photos"), createdAt: epoch, updatedAt: epoch)
        #expect(bucket.accepts(size: .max))
        bucket.fileSizeLimit = 100
        #expect(bucket.accepts(size: 100))
        #expect(!bucket.accepts(size: 101))
    }

    @Test("ObjectInfo encodes camelCase keys and round-trips")
    func objectInfoCodable() throws {
        let info = ObjectInfo(
            bucket: try BucketName("photos"), key: try ObjectKey("a/cat.jpg"), size: 3, contentType: "image/jpeg",
            etag: "\"abc\"", cacheControl: "no-cache", metadata: ["owner": "ann"], createdAt: epoch, updatedAt: epoch
        )
        #expect(
            try encodedKeys(info) == [
                "bucket", "key", "size", "contentType", "etag", "cacheControl", "metadata", "createdAt", "updatedAt",
            ]
        )
        #expect(try roundTrip(info) == info)
    }

    @Test("Session expiry is inclusive of expiresAt")
    func sessionExpiry() throws {
        let session = Session(userID: try UserID("u1"), createdAt: epoch, expiresAt: epoch + 3600)
        #expect(!session.isExpired(at: epoch))
        #expect(!session.isExpired(at: epoch + 3599.999))
        #expect(session.isExpired(at: epoch + 3600))
        #expect(session.isExpired(at: epoch + 7200))
        #expect(try encodedKeys(session) == ["id", "userID", "createdAt", "expiresAt"])
        #expect(try roundTrip(session) == session)
    }

    @Test("Principal round-trips; kinds encode as case names")
    func principal() throws {
        let principal = Principal(
            id: try UserID("svc-1"), kind: .serviceAccount, roles: ["admin"], scopes: ["storage:read"]
        )
        #expect(principal.hasRole("admin") && !principal.hasRole("editor"))
        #expect(principal.hasScope("storage:read") && !principal.hasScope("storage:write"))
        #expect(try roundTrip(principal) == principal)
        let kinds = try JSONDecoder().decode([String].self, from: JSONEncoder().encode(Principal.Kind.allCases))
        #expect(kinds == ["user", "serviceAccount"])
    }

    @Test("Page encodes items and cursor")
    func page() throws {
        let page = Page(items: [1, 2, 3], nextCursor: "c2")
        #expect(try roundTrip(page) == page)
        #expect(try encodedKeys(Page<Int>(items: [])) == ["items"])
    }
}

@Suite("Access control")
struct AccessControlTests {
    static func photos() throws -> BucketName { try BucketName("photos") }
    static func key(_ raw: String) throws -> ObjectKey { try ObjectKey(raw) }

    @Test("Resource.covers")
    func covers() throws {
        let photos = try Self.photos()
        let docs = try BucketName("docs")
        let cat = try Self.key("2024/cat.jpg")

        #expect(Resource.bucket(photos).covers(.bucket(photos)))
        #expect(!Resource.bucket(photos).covers(.bucket(docs)))
        #expect(Resource.bucket(photos).covers(.object(photos, cat)))
        #expect(Resource.bucket(photos).covers(.objects(photos, prefix: "")))
        #expect(!Resource.bucket(docs).covers(.object(photos, cat)))

        #expect(Resource.objects(photos, prefix: "2024/").covers(.object(photos, cat)))
        #expect(Resource.objects(photos, prefix: "").covers(.object(photos, cat)))
        #expect(Resource.objects(photos, prefix: "2024/").covers(.objects(photos, prefix: "2024/c")))
        #expect(!Resource.objects(photos, prefix: "2024/").covers(.objects(photos, prefix: "20")))
        #expect(!Resource.objects(photos, prefix: "2025/").covers(.object(photos, cat)))
        #expect(!Resource.objects(docs, prefix: "").covers(.object(photos, cat)))
        #expect(!Resource.objects(photos, prefix: "").covers(.bucket(photos)))

        // A grant on one key does not reach keys that merely start with it.
        #expect(Resource.object(photos, cat).covers(.object(photos, cat)))
        #expect(!Resource.object(photos, cat).covers(.object(photos, try Self.key("2024/cat.jpg.bak"))))
        #expect(!Resource.object(photos, cat).covers(.objects(photos, prefix: "2024/cat.jpg")))

        let job = JobID.random()
        #expect(Resource.job(job).covers(.job(job)))
        #expect(!Resource.job(job).covers(.job(JobID.random())))
        let pipeline = try PipelineID("p1")
        #expect(Resource.pipeline(pipeline).covers(.pipeline(pipeline)))
        #expect(!Resource.pipeline(pipeline).covers(.bucket(photos)))
    }

    @Test("Resource encodes a tagged object and validates identifiers on decode")
    func resourceCodable() throws {
        let photos = try Self.photos()
        let resources: [Resource] = [
            .bucket(photos), .object(photos, try Self.key("a/b.txt")), .objects(photos, prefix: "a/"),
            .pipeline(try PipelineID("p1")), .job(try JobID("j1")),
        ]
        for resource in resources {
            #expect(try roundTrip(resource) == resource)
        }
        #expect(try encodedKeys(Resource.object(photos, try Self.key("a"))) == ["type", "bucket", "key"])

        let decoder = JSONDecoder()
        let noPrefix = Data(#"{"type":"objects","bucket":"photos"}"#.utf8)
        #expect(try decoder.decode(Resource.self, from: noPrefix) == Resource.objects(photos, prefix: ""))
        #expect(throws: DecodingError.self) {
            try decoder.decode(Resource.self, from: Data(#"{"type":"table","bucket":"photos"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try decoder.decode(Resource.self, from: Data(#"{"type":"object","bucket":"photos","key":"../x"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try decoder.decode(Resource.self, from: Data(#"{"type":"bucket","bucket":"Photos"}"#.utf8))
        }
    }

    @Test("Action.includes: admin includes all, others only themselves", arguments: Action.allCases, Action.allCases)
    func actionIncludes(granted: Action, asked: Action) {
        #expect(granted.includes(asked) == (granted == asked || granted == .admin))
    }

    @Test("Policy allows only what a permission covers")
    func policy() throws {
        let photos = try Self.photos()
        let inboxFile = Resource.object(photos, try Self.key("inbox/a.jpg"))
        let uploader = Policy([Permission(.write, on: .objects(photos, prefix: "inbox/"))])
        #expect(uploader.allows(.write, on: inboxFile))
        #expect(!uploader.allows(.read, on: inboxFile))
        #expect(!uploader.allows(.write, on: .object(photos, try Self.key("public/a.jpg"))))
        #expect(!Policy().allows(.read, on: inboxFile))

        let owner = Policy([Permission(.admin, on: .bucket(photos))])
        for action in Action.allCases {
            #expect(owner.allows(action, on: inboxFile))
        }
        #expect(try roundTrip(owner) == owner)
        let data = try JSONEncoder().encode(Permission(.read, on: .bucket(photos)))
        let decoded = try JSONDecoder().decode(Permission.self, from: data)
        #expect(decoded == Permission(.read, on: .bucket(photos)))
        #expect(try encodedKeys(decoded) == ["action", "resource"])
    }
}

@Suite("HTTP types")
struct HTTPTests {
    @Test(
        "header names are case-insensitive",
        arguments: ["content-type", "Content-Type", "CONTENT-TYPE", "cOnTeNt-TyPe"]
    )
    func caseInsensitiveLookup(name: String) {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        #expect(headers[name] == "application/json")
        #expect(headers.contains(name: name))
        #expect(headers.values(for: name) == ["application/json"])
        headers[name] = "text/plain"
        #expect(headers.count == 1)
        #expect(headers["content-type"] == "text/plain")
        // The first spelling is kept.
        #expect(headers.map(\.name) == ["Content-Type"])
        headers.remove(name: name)
        #expect(headers.isEmpty)
    }

    @Test("multiple values keep their order; replaceOrAdd collapses them in place")
    func multipleValues() {
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: "a")
        headers.add(name: "Vary", value: "Accept")
        headers.add(name: "vary", value: "Origin")
        headers.add(name: "X-Last", value: "z")
        #expect(headers.values(for: "VARY") == ["Accept", "Origin"])
        #expect(headers["Vary"] == "Accept")
        #expect(headers.count == 4)

        headers.replaceOrAdd(name: "VARY", value: "*")
        #expect(headers.map(\.name) == ["Accept", "Vary", "X-Last"])
        #expect(headers.values(for: "vary") == ["*"])

        headers["X-New"] = "1"
        #expect(headers.map(\.name) == ["Accept", "Vary", "X-Last", "X-New"])
        headers["x-new"] = nil
        #expect(!headers.contains(name: "X-New"))
        #expect(headers.values(for: "missing") == [])
        #expect(headers["missing"] == nil)
    }

    @Test("a dictionary literal may repeat a name")
    func literalWithRepeats() {
        let headers: HTTPHeaders = ["Set-Cookie": "a=1", "set-cookie": "b=2"]
        #expect(headers.values(for: "Set-Cookie") == ["a=1", "b=2"])
    }

    @Test("equality and hashing ignore name case, not value case or order")
    func equality() {
        let lower: HTTPHeaders = ["accept": "text/html"]
        let upper: HTTPHeaders = ["ACCEPT": "text/html"]
        #expect(lower == upper)
        #expect(Set([lower, upper]).count == 1)
        let otherValue: HTTPHeaders = ["accept": "TEXT/HTML"]
        #expect(lower != otherValue)
        #expect(HTTPHeaders([("a", "1"), ("b", "2")]) != HTTPHeaders([("b", "2"), ("a", "1")]))
    }

    @Test(
        "validate rejects header injection and bad names",
        arguments: [
            ("X-Ok", "fine\tvalue ü", true),
            ("X-Bad", "a\r\nInjected: yes", false),
            ("X-Bad", "a\nb", false),
            ("X-Bad", "nul\u{0}", false),
            ("X-Bad", "del\u{7F}", false),
            ("Bad Name", "v", false),
            ("Bad:Name", "v", false),
            ("", "v", false),
        ] as [(String, String, Bool)]
    )
    func validate(name: String, value: String, valid: Bool) {
        let headers = HTTPHeaders([(name, value)])
        if valid {
            #expect(throws: Never.self) { try headers.validate() }
        } else {
            let error = #expect(throws: PipeError.self) { try headers.validate() }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test("description redacts credentials")
    func redaction() {
        let headers: HTTPHeaders = ["authorization": "Bearer secret", "Accept": "*/*", "Cookie": "sid=secret"]
        #expect(!headers.description.contains("secret"))
        #expect(headers.description.contains("Accept: */*"))
        #expect(headers.description.contains("authorization: <redacted>"))
    }

    @Test("methods: static members and token validation")
    func methods() {
        #expect(HTTPMethod.get.rawValue == "GET")
        #expect(HTTPMethod("GET") == HTTPMethod.get)
        #expect(HTTPMethod(rawValue: "DELETE") == HTTPMethod.delete)
        #expect(HTTPMethod("PROPFIND")?.description == "PROPFIND")
        #expect(HTTPMethod("get") != HTTPMethod.get)
        #expect(HTTPMethod("") == nil)
        #expect(HTTPMethod("GET /") == nil)
        #expect(HTTPMethod("G\r\nET") == nil)
    }

    @Test("request defaults and response success range")
    func requestAndResponse() throws {
        let url = try #require(URL(string: "https://pipe.example.com/health/live"))
        let request = HTTPRequest(url: url)
        #expect(request.method == .get && request.headers.isEmpty && request.body.isEmpty && request.timeout == nil)
        #expect(HTTPResponse(status: 200).isSuccess)
        #expect(HTTPResponse(status: 204).isSuccess)
        #expect(!HTTPResponse(status: 199).isSuccess)
        #expect(!HTTPResponse(status: 304).isSuccess)
        #expect(!HTTPResponse(status: 500).isSuccess)
    }
}

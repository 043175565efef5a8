import Crypto
import Foundation
import PipeAuth
import PipeClient
import PipeCore
import PipeHTTP
import PipePipeline
import PipeServer
import PipeTestSupport
import Testing

extension Mode: CustomTestStringConvertible {
    var testDescription: String { rawValue }
}

/// The same application code against both modes: same results, same models, same error codes.
@Suite("PipeClient parity", .serialized)
struct ParityTests {
    static let definition: JSONValue = [
        "name": "double", "source": ["type": "caller"],
        "steps": [["type": "map", "expression": "{n: n * `2`}"]], "sink": ["type": "collect"],
    ]

    static func code(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch let error as PipeError {
            return error.code.rawValue
        } catch {
            return "not a PipeError: \(error)"
        }
    }

    @Test("buckets: create, read, list, refuse a duplicate, delete", arguments: Mode.allCases)
    func buckets(_ mode: Mode) async throws {
        try await ClientFixture.with(mode) { fixture in
            let storage = fixture.client.storage
            let name = try BucketName("photos")
            let created = try await storage.createBucket(
                name, options: BucketOptions(fileSizeLimit: 1 << 20, allowedContentTypes: ["image/*"]))
            #expect(created.name == name && created.fileSizeLimit == 1 << 20 && created.allowedContentTypes == ["image/*"])
            let read = try await storage.getBucket(name)
            #expect(read.name == name && read.allowedContentTypes == ["image/*"] && !read.isPublic)
            #expect(try await storage.listBuckets().map(\.name) == [name])
            #expect(await Self.code { _ = try await storage.createBucket(name, options: BucketOptions()) } == "bucket_exists")
            try await storage.deleteBucket(name)
            #expect(await Self.code { _ = try await storage.getBucket(name) } == "bucket_not_found")
        }
    }

    @Test("objects: put, get, head, list, conditional writes, delete", arguments: Mode.allCases)
    func objects(_ mode: Mode) async throws {
        try await ClientFixture.with(mode) { fixture in
            let storage = fixture.client.storage
            let bucket = try BucketName("docs")
            _ = try await storage.createBucket(bucket, options: BucketOptions())
            let key = try ObjectKey("notes/2026/plan.txt")
            let bytes = Array("the plan".utf8)
            let info = try await storage.putObject(bytes, in: bucket, at: key, options: PutObjectOptions())
            let sha = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            #expect(info.etag == sha && info.size == 8 && info.contentType.hasPrefix("text/plain"))
            let stored = try await storage.getObject(in: bucket, at: key)
            #expect(stored.bytes == bytes && stored.info.etag == sha && stored.info.contentType == info.contentType)
            let head = try await storage.headObject(in: bucket, at: key)
            #expect(head.size == 8 && head.etag == sha)
            #expect(
                await Self.code {
                    _ = try await storage.putObject(Array("again".utf8), in: bucket, at: key, options: PutObjectOptions())
                } == "object_exists")
            let replaced = try await storage.putObject(
                Array("new plan".utf8), in: bucket, at: key, options: PutObjectOptions(upsert: true, ifMatch: sha))
            #expect(replaced.etag != sha)
            #expect(
                await Self.code {
                    _ = try await storage.putObject(
                        bytes, in: bucket, at: key, options: PutObjectOptions(upsert: true, ifMatch: sha))
                } == "precondition_failed")
            _ = try await storage.putObject(Array("x".utf8), in: bucket, at: try ObjectKey("other.bin"), options: PutObjectOptions())
            let listed = try await storage.listObjects(in: bucket, prefix: "notes/", limit: 10, cursor: nil)
            #expect(listed.items.map(\.key) == [key] && listed.nextCursor == nil && listed.items.first?.etag == replaced.etag)
            try await storage.deleteObject(in: bucket, at: key)
            #expect(await Self.code { _ = try await storage.getObject(in: bucket, at: key) } == "object_not_found")
            #expect(await Self.code { _ = try await storage.headObject(in: bucket, at: key) } == "object_not_found")
        }
    }

    @Test("jobs: submit, follow events, wait, result; idempotency; errors", arguments: Mode.allCases)
    func jobs(_ mode: Mode) async throws {
        try await ClientFixture.with(mode) { fixture in
            let jobs = fixture.client.jobs
            let job = try await jobs.submit(Self.definition, input: [["n": 1], ["n": 2]], idempotencyKey: "double-1")
            #expect(job.pipeline.rawValue == "double")
            var states: [JobState] = []
            for try await event in try await jobs.events(job.id) {
                if case .state(let state) = event { states.append(state) }
            }
            #expect(states.last == .succeeded)
            let result = try await jobs.wait(for: job.id)
            #expect(result.job.state == .succeeded && result.records == [["n": 2], ["n": 4]] && result.error == nil)
            let again = try await jobs.submit(Self.definition, input: [["n": 1], ["n": 2]], idempotencyKey: "double-1")
            #expect(again.id == job.id)
            #expect(
                await Self.code { _ = try await jobs.submit(Self.definition, input: [["n": 9]], idempotencyKey: "double-1") }
                    == "idempotency_key_reused")
            let listed = try await jobs.jobs(state: .succeeded, pipeline: nil, limit: 10, cursor: nil)
            #expect(listed.items.map(\.id) == [job.id])
            #expect(await Self.code { _ = try await jobs.job(try JobID("01a22b51fd768010338fbc54fb2cd23c195bfe2c4ffc")) } == "job_not_found")
            #expect(await Self.code { _ = try await jobs.submit(["name": "broken"], input: nil, idempotencyKey: nil) } == "invalid_pipeline")
        }
    }

    @Test("sign in with a password, act as that user, sign out", arguments: Mode.allCases)
    func passwordSession(_ mode: Mode) async throws {
        try await ClientFixture.with(mode) { fixture in
            let user = try await fixture.user("ada@example.com")
            let client = try await fixture.newClient(.none)
            var states = await client.auth.states().makeAsyncIterator()
            #expect(await states.next() == .signedOut)
            #expect(await Self.code { _ = try await client.auth.currentAccount() } == "unauthenticated")
            #expect(await Self.code { try await client.auth.signIn(email: "ada@example.com", password: "wrong") } == "invalid_credentials")
            #expect(try await client.auth.signIn(email: "ada@example.com", password: "correct horse") == .signedIn)
            guard case .signedIn(let userID, _) = await states.next() else {
                Issue.record("no signed-in state")
                return
            }
            #expect(userID == user.id.rawValue)
            let account = try await client.auth.currentAccount()
            #expect(account.email == "ada@example.com" && account.id == user.id.rawValue && account.kind == .user)
            _ = try await client.storage.createBucket(try BucketName("ada-files"), options: BucketOptions())
            #expect(try await client.storage.listBuckets().map(\.name.rawValue) == ["ada-files"])
            // The admin's client sees the bucket; Ada's does not see the admin's.
            #expect(try await fixture.client.storage.listBuckets().map(\.name.rawValue).contains("ada-files"))
            await client.auth.signOut()
            #expect(await states.next() == .signedOut)
            #expect(await Self.code { _ = try await client.storage.createBucket(try BucketName("anon"), options: BucketOptions()) } == "unauthenticated")
        }
    }

    @Test("pipelines: register in versions, read, list, run by name, delete; another account sees none", arguments: Mode.allCases)
    func pipelines(_ mode: Mode) async throws {
        try await ClientFixture.with(mode) { fixture in
            let pipelines = fixture.client.pipelines
            let first = try PipelineDefinition.decode(Self.definition)
            let registered = try await pipelines.register(first)
            #expect(registered.created && registered.pipeline.version == 1 && registered.pipeline.definition.name == first.name)
            #expect(try await pipelines.register(first).created == false, "an unchanged definition stores nothing")
            let changed: JSONValue = [
                "name": "double", "source": ["type": "caller"],
                "steps": [["type": "map", "expression": "{n: n * `3`}"]], "sink": ["type": "collect"],
            ]
            let second = try await pipelines.register(try PipelineDefinition.decode(changed))
            #expect(second.created && second.pipeline.version == 2)
            let name = first.name
            #expect(try await pipelines.pipeline(name, version: nil).version == 2)
            let one = try await pipelines.pipeline(name, version: 1)
            #expect(one.version == 1 && one.definition == registered.pipeline.definition)
            #expect(one.owner == registered.pipeline.owner)
            let listed = try await pipelines.pipelines(limit: 10, cursor: nil)
            #expect(listed.items.map(\.name) == [name] && listed.items.first?.latestVersion == 2)
            #expect(try await pipelines.versions(of: name, limit: 10, cursor: nil).items.map(\.version) == [2, 1])
            #expect(try await pipelines.allPipelines().count == 1)

            // Run by name: the latest version, or a pinned one.
            let latest = try await fixture.client.jobs.run(name, version: nil, input: [["n": 2]], idempotencyKey: nil)
            #expect(try await fixture.client.jobs.wait(for: latest.id).records == [["n": 6]])
            let pinned = try await fixture.client.jobs.run(name, version: 1, input: [["n": 2]], idempotencyKey: nil)
            #expect(try await fixture.client.jobs.wait(for: pinned.id).records == [["n": 4]])

            // Errors, with the same codes in both modes.
            #expect(await Self.code { _ = try await pipelines.pipeline(name, version: 9) } == "pipeline_not_found")
            #expect(await Self.code { _ = try await pipelines.pipeline(name, version: 0) } == "invalid_argument")
            let unrunnable: JSONValue = [
                "name": "calls-back", "source": ["type": "caller"], "steps": [], "sink": ["type": "caller"],
            ]
            #expect(await Self.code { _ = try await pipelines.register(try PipelineDefinition.decode(unrunnable)) } == "invalid_pipeline")
            #expect(await Self.code { _ = try await pipelines.pipelines(limit: 0, cursor: nil) } == "invalid_argument")

            // Another account has its own namespace.
            _ = try await fixture.user("grace@example.com")
            let grace = try await fixture.newClient(.none)
            try await grace.auth.signIn(email: "grace@example.com", password: "correct horse")
            #expect(try await grace.pipelines.pipelines(limit: 10, cursor: nil).items.isEmpty)
            #expect(await Self.code { _ = try await grace.pipelines.pipeline(name, version: nil) } == "pipeline_not_found")
            #expect(await Self.code { try await grace.pipelines.delete(name) } == "pipeline_not_found")
            await grace.shutdown()

            try await pipelines.delete(name)
            #expect(await Self.code { _ = try await pipelines.pipeline(name, version: nil) } == "pipeline_not_found")
            #expect(await Self.code { try await pipelines.delete(name) } == "pipeline_not_found")
        }
    }

    @Test("OAuth sign-in: the caller's authorize step, the state checked, refusals reported", arguments: Mode.allCases)
    func oauth(_ mode: Mode) async throws {
        let provider = try BehaviourServer.start(script: "fake_oidc_provider.py")
        defer { provider.stop() }
        let redirect = "https://app.test/auth/callback"
        let receiver = try LoopbackRedirectReceiver()
        try await ClientFixture.with(mode, configure: {
            $0.oauthProviders = [.openIDConnect(name: "fake", issuer: provider.baseURL, clientID: "pipe-client", clientSecret: "pipe-secret")]
            $0.oauthRedirectURIs = [redirect, receiver.redirectURI]
        }) { fixture in
            let http = try CurlHTTPClient()
            defer { http.shutdown() }
            // The provider's page: redirects straight back with a code and the state.
            let browser: @Sendable (URL) async throws -> URL = { url in
                let answer = try await http.send(HTTPRequest(url: url))
                guard let location = answer.headers["Location"], let callback = URL(string: location) else {
                    throw PipeError(.protocolError, "the provider did not redirect")
                }
                return callback
            }
            let client = try await fixture.newClient(.none)
            // As a command-line tool signs in: the browser comes back to a loopback port.
            try await client.auth.signIn(provider: "fake", redirectURI: receiver.redirectURI) { url in
                let landing = try await browser(url)
                #expect(landing.absoluteString.hasPrefix(receiver.redirectURI + "?"))
                async let page = http.send(HTTPRequest(url: landing))
                let callback = try await receiver.callback(timeout: .seconds(30))
                #expect(try await page.status == 200)
                return callback
            }
            let account = try await client.auth.currentAccount()
            #expect(account.email == "ada@example.com")
            _ = try await client.storage.createBucket(try BucketName("ada-oauth"), options: BucketOptions())
            await client.auth.signOut()

            // A callback of another sign-in, a refusal, a failing authorize step, a redirect URI off the list.
            #expect(await Self.code {
                try await client.auth.signIn(provider: "fake", redirectURI: redirect) { url in
                    var callback = URLComponents(url: try await browser(url), resolvingAgainstBaseURL: false)!
                    callback.queryItems = callback.queryItems?.map { $0.name == "state" ? URLQueryItem(name: "state", value: "other") : $0 }
                    return callback.url!
                }
            } == "oauth_failed")
            #expect(await Self.code {
                try await client.auth.signIn(provider: "fake", redirectURI: redirect) { _ in
                    URL(string: redirect + "?error=access_denied&error_description=no")!
                }
            } == "oauth_failed")
            struct Closed: Error {}
            #expect(await Self.code {
                try await client.auth.signIn(provider: "fake", redirectURI: redirect) { _ in throw Closed() }
            } == "oauth_failed")
            #expect(await Self.code {
                try await client.auth.signIn(provider: "fake", redirectURI: "https://evil.test/") { $0 }
            } == "oauth_failed")
            #expect(await Self.code { try await client.auth.signIn(provider: "nope", redirectURI: redirect) { $0 } } == "not_found")
            #expect(await client.auth.state == .signedOut)
        }
    }
}

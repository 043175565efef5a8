import Foundation
import PipeCore
import PipeHTTP

/// ``JobService`` over a deployment's `/v1/jobs` and `/v1/pipelines` routes; events come as Server-Sent Events.
struct RemoteJobs: JobService {
    let transport: RemoteTransport

    static func jobPath(_ id: JobID) -> String { "/v1/jobs/" + RemoteTransport.encode(id.rawValue) }

    func submit(_ definition: JSONValue, input: [JSONValue]?, idempotencyKey: String?) async throws(PipeError) -> Job {
        var members: [(String, JSONValue)] = [("definition", definition)]
        if let input { members.append(("input", .array(input))) }
        var call = RemoteTransport.Call(.post, "/v1/jobs", json: .object(JSONObject(members)))
        call.idempotencyKey = idempotencyKey
        return try WireFormat.job(try await transport.json(call))
    }

    func run(_ name: PipelineName, version: Int?, input: [JSONValue]?, idempotencyKey: String?) async throws(PipeError)
        -> Job
    {
        var members: [(String, JSONValue)] = []
        if let input { members.append(("input", .array(input))) }
        if let version { members.append(("version", .number(.int(Int64(version))))) }
        var call = RemoteTransport.Call(
            .post, "/v1/pipelines/" + RemoteTransport.encode(name.rawValue) + "/runs", json: .object(JSONObject(members)))
        call.idempotencyKey = idempotencyKey
        return try WireFormat.job(try await transport.json(call))
    }

    func job(_ id: JobID) async throws(PipeError) -> Job {
        try WireFormat.job(try await transport.json(.init(.get, Self.jobPath(id))))
    }

    func jobs(state: JobState?, pipeline: PipelineID?, limit: Int, cursor: String?) async throws(PipeError) -> Page<Job> {
        let path =
            "/v1/jobs"
            + RemoteTransport.query([
                ("state", state?.rawValue), ("pipeline", pipeline?.rawValue), ("limit", String(limit)), ("cursor", cursor),
            ])
        return try WireFormat.page(try await transport.json(.init(.get, path)), "jobs", WireFormat.job)
    }

    func cancel(_ id: JobID) async throws(PipeError) -> Job {
        var call = RemoteTransport.Call(.post, Self.jobPath(id) + "/cancel")
        call.retryable = true  // cancelling twice is cancelling once
        return try WireFormat.job(try await transport.json(call))
    }

    func result(_ id: JobID) async throws(PipeError) -> JobResult {
        let value = try await transport.json(.init(.get, Self.jobPath(id) + "/result"))
        guard let job = value["job"], let records = value["records"]?.arrayValue else { throw WireFormat.malformed("job result") }
        var error: PipeError? = nil
        if let failure = value["error"], let code = failure["code"]?.stringValue {
            error = PipeError(PipeError.Code(rawValue: code), failure["message"]?.stringValue ?? code)
        }
        return JobResult(job: try WireFormat.job(job), records: records, error: error)
    }

    /// Follows `/events`, over the transport's stream client (`RemoteTransport.streams()`). A dropped stream,
    /// a silent one (the server sends a keep-alive comment every 15 s, so silence means a dead connection), or one the
    /// server ended while shutting down is opened again; each opening starts with the job's current state, so
    /// nothing is missed, and the sequence ends at the first terminal state.
    func events(_ id: JobID) async throws(PipeError) -> AsyncThrowingStream<JobEvent, any Error> {
        // The first opening happens here, so a job that does not exist (or is not the caller's) throws at once; a
        // transient failure is tried again, as it is for every later opening.
        let first = try await openRetrying(id)
        let transport = self.transport
        return AsyncThrowingStream { continuation in
            let reader = Task {
                var response: HTTPStreamingResponse? = first
                var failures = 0
                while !Task.isCancelled {
                    do {
                        let stream: HTTPStreamingResponse
                        if let opened = response {
                            stream = opened
                            response = nil
                        } else {
                            stream = try await RemoteJobs(transport: transport).open(id)
                        }
                        var parser = ServerSentEventParser()
                        for try await chunk in stream.body {
                            for event in try parser.feed(chunk) {
                                guard let decoded = Self.event(event) else { continue }
                                continuation.yield(decoded)
                                failures = 0
                                if case .state(let state) = decoded, state.isTerminal {
                                    continuation.finish()
                                    return
                                }
                            }
                        }
                        // The server ended the stream before the job ended (it is shutting down): follow the job
                        // again after a pause, on whichever replica answers.
                        try? await Task.sleep(for: .milliseconds(250))
                    } catch let error as PipeError where RemoteTransport.isTransient(error) && failures < 5 {
                        failures += 1
                        try? await Task.sleep(for: .milliseconds(200 * failures))
                        continue
                    } catch {
                        continuation.finish(throwing: error)
                        return
                    }
                }
                continuation.finish(throwing: PipeError(.cancelled, "stopped following job \(id)"))
            }
            continuation.onTermination = { _ in reader.cancel() }
        }
    }

    /// ``open(_:)``, tried again after a transient failure (five times at most, waiting a little longer each time).
    private func openRetrying(_ id: JobID) async throws(PipeError) -> HTTPStreamingResponse {
        var failures = 0
        while true {
            do throws(PipeError) {
                return try await open(id)
            } catch where RemoteTransport.isTransient(error) && failures < 5 {
                failures += 1
                try? await Task.sleep(for: .milliseconds(200 * failures))
            }
        }
    }

    private func open(_ id: JobID) async throws(PipeError) -> HTTPStreamingResponse {
        var call = RemoteTransport.Call(.get, Self.jobPath(id) + "/events")
        call.headers.add(name: "Accept", value: "text/event-stream")
        let request = try await transport.request(for: call)
        let response = try await transport.streams().execute(request)
        guard response.status == 200 else {
            let body = (try? await response.body.collect(upTo: 64 << 10)) ?? []
            throw WireFormat.error(status: response.status, body: body, headers: response.headers)
        }
        return response
    }

    static func event(_ event: ServerSentEventParser.Event) -> JobEvent? {
        guard let value = try? JSONValue(parsing: event.data) else { return nil }
        switch event.name {
        case "state": return value["state"]?.stringValue.flatMap(JobState.init(rawValue:)).map(JobEvent.state)
        case "progress":
            guard let read = value["read"]?.intValue, let written = value["written"]?.intValue else { return nil }
            return .progress(read: read, written: written)
        default: return nil
        }
    }
}

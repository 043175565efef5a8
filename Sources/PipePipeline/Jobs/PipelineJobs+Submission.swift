import PipeCore

/// Checking definitions and queueing them as jobs.
extension PipelineJobs {
    /// Checks `definition` and queues it as a job, with `input` as its records (for a `caller`
    /// source) or the definition's own source.
    ///
    /// With an `idempotencyKey`, submitting again with the same key returns the first job instead of
    /// queueing another (see `JobQueue.enqueue(pipeline:payload:idempotencyKey:)`).
    /// - Throws: `invalid_pipeline` for a definition that does not check out or that has a `caller` sink
    ///   (a job has no caller to hand records to).
    public func submit(_ definition: PipelineDefinition, input: [JSONValue]? = nil, idempotencyKey: String? = nil)
        async throws(PipeError) -> Job
    {
        try await Self.submit(
            definition, input: input, idempotencyKey: idempotencyKey, to: queue,
            transforms: environment.transforms)
    }

    /// Checks `definition` and queues it on `queue` without a runner in this process (a worker elsewhere
    /// runs it); see ``submit(_:input:idempotencyKey:)``.
    ///
    /// `owner` records who submitted it (``submit(_:input:idempotencyKey:as:)`` passes the caller).
    ///
    /// `registered` marks a run of a registered pipeline: the name and version the caller asked for (version `nil`
    /// for "latest"). An idempotent retry is then matched on that and the input, not on the definition it resolved
    /// to, so a retry still finds its job after a new version was registered in between.
    public static func submit(
        _ definition: PipelineDefinition, input: [JSONValue]? = nil, idempotencyKey: String? = nil,
        owner: UserID? = nil, registered: (name: PipelineName, version: Int?)? = nil, to queue: any JobQueue,
        transforms: PipelineTransforms = PipelineTransforms()
    ) async throws(PipeError) -> Job {
        try checkRunnable(definition, transforms: transforms)
        if definition.source == .caller && input == nil {
            throw PipeError(
                .invalidPipeline, "source: a caller source needs input records", details: ["field": "source"])
        }
        var payload: JSONObject = ["definition": definition.json]
        if let input { payload["input"] = .array(input) }
        if let registered {
            payload["registered"] = [
                "name": .string(registered.name.rawValue), "version": registered.version.map { .int($0) } ?? .null,
            ]
        }
        return try await queue.enqueue(
            pipeline: PipelineID(name: definition.name), payload: .object(payload), idempotencyKey: idempotencyKey,
            owner: owner)
    }

    /// Checks that `definition` compiles and can run as a job (a job has no caller to hand records to, so no
    /// `caller` sink); registries call it before storing a definition.
    ///
    /// - Throws: `invalid_pipeline`.
    public static func checkRunnable(
        _ definition: PipelineDefinition, transforms: PipelineTransforms = PipelineTransforms()
    ) throws(PipeError) {
        _ = try definition.compile(transforms: transforms)
        if definition.sink == .caller {
            throw PipeError(.invalidPipeline, "sink: a job cannot have a caller sink", details: ["field": "sink"])
        }
    }

    /// Checks that `definition` can run as a job here, with this runner's custom transforms (see
    /// ``checkRunnable(_:transforms:)``).
    ///
    /// - Throws: `invalid_pipeline`.
    public nonisolated func checkRunnable(_ definition: PipelineDefinition) throws(PipeError) {
        try Self.checkRunnable(definition, transforms: environment.transforms)
    }
}

import PipeCore

/// A record a step failed on and set aside (its error policy is `deadLetter`): the record as it reached the
/// step, the error, how many attempts were made, and the step — enough to inspect it and to replay it from that
/// step with ``CompiledPipeline/replay(_:report:)`` once the cause is fixed.
///
/// Its JSON form (one line of a dead-letter file):
/// `{"step": 1, "stepLabel": "steps[1] (map)", "attempts": 3, "error": {"code": "…", "message": "…"}, "record": …}`.
public struct DeadLetter: Sendable, Hashable {
    /// The index of the step that failed, in the definition's `steps`.
    public var step: Int
    /// The step as `steps[i] (type)`.
    public var stepLabel: String
    /// The record as it reached the step.
    public var record: JSONValue
    /// Why the step failed (after its last attempt).
    public var error: PipeError
    /// How many attempts the step made.
    public var attempts: Int

    /// Makes a dead letter.
    public init(step: Int, stepLabel: String, record: JSONValue, error: PipeError, attempts: Int) {
        self.step = step
        self.stepLabel = stepLabel
        self.record = record
        self.error = error
        self.attempts = attempts
    }

    /// The dead letter in its JSON form.
    public var json: JSONValue {
        var error: JSONObject = ["code": .string(self.error.code.rawValue), "message": .string(self.error.message)]
        if !self.error.details.isEmpty {
            error["details"] = .object(
                JSONObject(self.error.details.sorted { $0.key < $1.key }.map { ($0, .string($1)) }))
        }
        return [
            "step": .int(step), "stepLabel": .string(stepLabel), "attempts": .int(attempts), "error": .object(error),
            "record": record,
        ]
    }

    /// Reads a dead letter from its JSON form.
    /// - Throws: `invalid_argument` naming the missing or malformed field.
    public init(json: JSONValue) throws(PipeError) {
        guard let step = json["step"]?.intValue, step >= 0 else {
            throw PipeError(.invalidArgument, "a dead letter needs \"step\", a whole number")
        }
        guard let record = json["record"] else { throw PipeError(.invalidArgument, "a dead letter needs \"record\"") }
        guard let code = json["error"]?["code"]?.stringValue, let message = json["error"]?["message"]?.stringValue
        else {
            throw PipeError(.invalidArgument, "a dead letter needs \"error\" with \"code\" and \"message\"")
        }
        var details: [String: String] = [:]
        if case .object(let object)? = json["error"]?["details"] {
            for member in object { details[member.key] = member.value.stringValue ?? member.value.serializedString() }
        }
        self.init(
            step: step, stepLabel: json["stepLabel"]?.stringValue ?? "steps[\(step)]", record: record,
            error: PipeError(PipeError.Code(rawValue: code), message, details: details),
            attempts: json["attempts"]?.intValue ?? 1)
    }
}

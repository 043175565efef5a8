/// What a stage does when its closure throws on a record (after any retries).
public struct StageErrorPolicy<Input: Sendable, Output: Sendable>: Sendable {
    enum Action: Sendable {
        case fail
        case skip
        case recover(@Sendable (Input, any Error) async throws -> Output?)
    }

    let action: Action

    /// Fail the run with `pipeline_stage_failed`, naming the stage and the record (the default).
    public static var fail: StageErrorPolicy { StageErrorPolicy(action: .fail) }

    /// Drop the record and go on.
    public static var skip: StageErrorPolicy { StageErrorPolicy(action: .skip) }

    /// Give the record and the error to `handler`, which returns a replacement (or `nil` to drop
    /// the record) — or throws to fail the run. Use it to send failures to a dead-letter store.
    public static func recover(_ handler: @escaping @Sendable (Input, any Error) async throws -> Output?)
        -> StageErrorPolicy
    {
        StageErrorPolicy(action: .recover(handler))
    }
}

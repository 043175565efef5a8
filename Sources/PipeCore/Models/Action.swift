/// What a principal wants to do to a ``Resource``.
///
/// Encoded as the case name: `"read"`, `"write"`, `"delete"`, `"run"`, `"admin"`.
public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
    /// Read contents or metadata, or list.
    case read
    /// Create or change.
    case write
    /// Remove.
    case delete
    /// Run a pipeline: submit jobs of it (token scope `pipelines:run`).
    case run
    /// Change settings and permissions; includes every other action.
    case admin

    /// Whether being allowed this action allows `other` too: each action includes itself, and `admin` includes all.
    ///
    /// `write` does not include `read` (a drop-box upload key must not be able to read back what others put there).
    public func includes(_ other: Action) -> Bool {
        self == other || self == .admin
    }
}

import PipeCore

/// The transforms an embedding program offers to `custom` steps, by name: the plugin point of declarative
/// pipelines.
///
/// A transform takes a record and the step's `options` and returns any number of records (none drops the
/// record). It may be asynchronous (call a service, look something up); the step's retry, timeout and error
/// policy apply to it like to any step. Options are checked when a definition compiles, so a bad definition
/// fails before it runs.
///
/// ```swift
/// var transforms = PipelineTransforms()
/// transforms.register("currency", checkOptions: { options in
///     guard options["to"]?.stringValue != nil else { throw PipeError(.invalidArgument, "needs \"to\"") }
/// }) { record, options in
///     [try await convert(record, to: options["to"]!.stringValue!)]
/// }
/// let compiled = try definition.compile(transforms: transforms)
/// ```
public struct PipelineTransforms: Sendable {
    /// A registered transform.
    public typealias Transform = @Sendable (_ record: JSONValue, _ options: JSONValue) async throws -> [JSONValue]
    /// Checks a step's options when the definition compiles.
    public typealias OptionsCheck = @Sendable (_ options: JSONValue) throws(PipeError) -> Void

    struct Entry: Sendable {
        let transform: Transform
        let checkOptions: OptionsCheck?
    }

    private var entries: [String: Entry] = [:]

    /// An empty registry.
    public init() {}

    /// Registers `transform` under `name`, replacing any transform of that name.
    public mutating func register(
        _ name: String, checkOptions: OptionsCheck? = nil, _ transform: @escaping Transform
    ) {
        entries[name] = Entry(transform: transform, checkOptions: checkOptions)
    }

    /// The registered names, sorted.
    public var names: [String] { entries.keys.sorted() }

    subscript(name: String) -> Entry? { entries[name] }
}

import PipeCore

/// A compiled JMESPath Community expression: compile once, evaluate many times, share freely.
///
/// Compilation checks the syntax, resolves every function and its arity, and resolves `let`
/// variables, so evaluation only walks a tree. The value is immutable and `Sendable`: one compiled
/// expression can serve many tasks at once.
///
/// ```swift
/// let expression = try JMESPathExpression("orders[?total > `100`].{id: id, total: total}")
/// let result = try expression.evaluate(document)
/// ```
///
/// Errors are ``PipeCore/PipeError``s whose `details["kind"]` is the JMESPath error name
/// (`syntax`, `invalid-type`, `invalid-arity`, `unknown-function`, `invalid-value`, `not-a-number`,
/// `undefined-variable`); syntax errors also carry `details["position"]`, a code-point offset.
public struct JMESPathExpression: Sendable, CustomStringConvertible {
    /// The compiled expression in one object, so a copy of the expression (pipelines copy it for every
    /// record they evaluate it on) retains one reference instead of the text's and the tree's.
    final class Compiled: Sendable {
        let source: String
        let root: Node
        let slotCount: Int

        init(source: String, root: Node, slotCount: Int) {
            self.source = source
            self.root = root
            self.slotCount = slotCount
        }
    }

    let compiled: Compiled

    /// The expression text as written.
    public var source: String { compiled.source }
    var root: Node { compiled.root }
    var slotCount: Int { compiled.slotCount }

    /// Compiles `source`.
    /// - Throws: ``PipeCore/PipeError`` with code `expression_syntax`, `expression_unknown_function`,
    ///   `expression_invalid_arity`, `expression_invalid_value` (a zero slice step),
    ///   `expression_undefined_variable`, or `limit_exceeded` for expressions over 64 Ki characters.
    public init(_ source: String) throws(PipeError) {
        var lexer = Lexer(source)
        var parser = Parser(tokens: try lexer.tokenize())
        let root = try parser.parseExpression()
        compiled = Compiled(source: source, root: root, slotCount: parser.slotCount)
    }

    /// Evaluates the expression against `document`.
    /// - Throws: ``PipeCore/PipeError`` with an `expression_*` code when a function or operator
    ///   meets a value it cannot take.
    public func evaluate(_ document: JSONValue) throws(PipeError) -> JSONValue {
        try evaluate(document, budget: Self.defaultBudget)
    }

    /// The default work budget of one evaluation: 64 Mi units, where a unit is one node visited or
    /// one element or character produced. Ordinary expressions on ordinary documents use a tiny
    /// fraction of it; hostile ones stop with `limit_exceeded` instead of running away.
    public static let defaultBudget = 64 << 20

    /// Evaluates with an explicit work budget (see ``defaultBudget``).
    /// - Throws: ``PipeCore/PipeError`` with code `limit_exceeded` when the budget runs out.
    public func evaluate(_ document: JSONValue, budget: Int) throws(PipeError) -> JSONValue {
        let compiled = self.compiled
        var evaluator = Evaluator(root: document, slotCount: compiled.slotCount, budget: budget)
        return try evaluator.evaluate(compiled.root, document)
    }

    public var description: String { source }
}

extension PipeError {
    /// The JMESPath error name (`syntax`, `invalid-type`, …) when this error came from an expression.
    public var expressionErrorKind: String? { details["kind"] }
}

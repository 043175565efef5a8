import PipeCore

/// The compiled form of an expression: a tree the evaluator walks.
///
/// Function calls are resolved to their implementation and arity-checked at compile time, and
/// variables to the slot that holds them, so evaluation does no name lookups.
indirect enum Node: Sendable {
    case identity
    case root
    case field(JSONKey)
    /// `a.b.c`: a chain of field lookups, walked in one loop instead of nested subexpressions.
    case fieldPath([JSONKey])
    case literal(JSONValue)
    case variable(slot: Int)
    case subexpression(Node, Node)
    case index(Node, Int)
    case slice(Node, start: Int?, stop: Int?, step: Int?)
    /// `left[*].right`, `left[].right` (left already flattened) and slices: project `right` over an array.
    case projection(Node, Node)
    /// `left[a:b:c].right`: like a projection over an array; a sliced string is passed to `right` whole.
    case sliceProjection(Node, Node)
    /// `left.*.right`: project `right` over an object's values.
    case valueProjection(Node, Node)
    /// `left[?condition].right`.
    case filterProjection(Node, condition: Node, Node)
    case flatten(Node)
    case multiSelectList([Node])
    case multiSelectHash([(key: JSONKey, value: Node)])
    case pipe(Node, Node)
    case or(Node, Node)
    case and(Node, Node)
    case not(Node)
    case comparison(ComparisonOperator, Node, Node)
    case arithmetic(ArithmeticOperator, Node, Node)
    case negate(Node)
    case ternary(condition: Node, then: Node, else: Node)
    /// `let $a = …, $b = … in body`: the bindings fill slots `firstSlot…` before the body runs.
    case letBinding(firstSlot: Int, values: [Node], body: Node)
    case function(BuiltinFunction, [Argument])
}

/// A function argument: a value, or an expression reference (`&expr`) the function applies itself.
enum Argument: Sendable {
    case value(Node)
    case expression(Node)
}

/// `==`, `!=`, `<`, `<=`, `>`, `>=`.
enum ComparisonOperator: Sendable {
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
}

/// `+`, `-`, `*`, `/`, `%`, `//`.
enum ArithmeticOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%", integerDivide = "//"
}

import PipeCore

/// A Pratt parser from tokens to ``Node``s, following the JMESPath Community grammar.
///
/// Binding powers (weakest first): `|` 1, `?:` 2, `||` 3, `&&` 4, comparators 5, `+ -` 6,
/// `* / % //` 7, `[]` 9, `*` projection 20, `[?` 21, `.` 40, `!` 45, `{` 50, `[` 55, `(` 60.
/// Tokens binding below 10 end a projection, so `a[*].b | c` and `a[*].b + c` apply to the whole
/// projected list.
struct Parser {
    /// Deepest nesting of sub-expressions accepted; bounds recursion on hostile input.
    static let maxNesting = 256
    /// Most nodes one expression may build. Left-associative chains (`a.a.a…`) grow the tree
    /// without nesting parser calls, so the node count bounds them; ``Node/depth`` then bounds
    /// the evaluator's recursion.
    static let maxNodes = 10_000
    var nodeCount = 0
    static let starBindingPower = 20
    static let projectionStop = 10
    static let unaryArithmeticBindingPower = 8

    var tokens: [PositionedToken]
    var index = 0
    var nesting = 0
    /// Variables in scope, innermost last, with the slot each lives in.
    var scopes: [[String: Int]] = []
    var nextSlot = 0
    /// Slots the compiled expression needs at evaluation time.
    var slotCount = 0

    init(tokens: [PositionedToken]) {
        self.tokens = tokens
    }

    var current: Token { tokens[index].token }
    var position: Int { tokens[index].position }
    func lookahead(_ n: Int) -> Token { tokens[min(index + n, tokens.count - 1)].token }

    mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    func error(_ message: String) -> PipeError { Lexer.syntaxError(message, at: position) }

    func unexpected() -> PipeError { error("unexpected \(current.displayName)") }

    mutating func expect(_ token: Token) throws(PipeError) {
        guard current == token else { throw error("expected \(token.displayName), found \(current.displayName)") }
        advance()
    }

    mutating func parseExpression() throws(PipeError) -> Node {
        let node = try expression(0)
        guard current == .eof else { throw unexpected() }
        guard node.depth(limit: Self.maxNesting) <= Self.maxNesting else {
            throw PipeError(
                .limitExceeded, "expression nested deeper than \(Self.maxNesting) levels", details: ["kind": "limit"])
        }
        return node
    }

    mutating func countNode() throws(PipeError) {
        nodeCount += 1
        guard nodeCount <= Self.maxNodes else {
            throw PipeError(
                .limitExceeded, "expression has more than \(Self.maxNodes) parts", details: ["kind": "limit"])
        }
    }

    mutating func expression(_ rightBindingPower: Int) throws(PipeError) -> Node {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maxNesting else {
            throw PipeError(
                .limitExceeded, "expression nested deeper than \(Self.maxNesting) levels at position \(position)",
                details: ["kind": "limit", "position": String(position)])
        }
        let token = current
        advance()
        try countNode()
        var left = try nud(token)
        while rightBindingPower < current.bindingPower {
            let token = current
            advance()
            try countNode()
            left = try led(token, consume left)
        }
        return left
    }

    // MARK: Prefix positions

    mutating func nud(_ token: Token) throws(PipeError) -> Node {
        switch token {
        case .literal(let value): return .literal(value)
        case .rawString(let text): return .literal(.string(text))
        case .unquotedIdentifier(let name):
            if current == .lparen { return try functionCall(name) }
            if name == "let", case .variable = current { return try letExpression() }
            return .field(JSONKey(name))
        case .quotedIdentifier(let name):
            if current == .lparen { throw error("a quoted identifier cannot name a function") }
            return .field(JSONKey(name))
        case .current: return .identity
        case .root: return .root
        case .variable(let name):
            for scope in scopes.reversed() {
                if let slot = scope[name] { return .variable(slot: slot) }
            }
            throw PipeError(
                .expressionUndefinedVariable, "undefined variable $\(name) at position \(tokens[index - 1].position)",
                details: ["position": String(tokens[index - 1].position), "kind": "undefined-variable"])
        case .star:
            return .valueProjection(.identity, try projectionRHS(Self.starBindingPower))
        case .filter:
            return try filter(on: .identity)
        case .flatten:
            return .projection(.flatten(.identity), try projectionRHS(Token.flatten.bindingPower))
        case .lbrace:
            return try multiSelectHash()
        case .lbracket:
            switch current {
            case .number, .colon:
                return try indexOrSlice(on: .identity)
            case .star where lookahead(1) == .rbracket:
                advance()
                advance()
                return .projection(.identity, try projectionRHS(Self.starBindingPower))
            default:
                return try multiSelectList()
            }
        case .lparen:
            let inner = try expression(0)
            try expect(.rparen)
            return inner
        case .not:
            return .not(try expression(Token.not.bindingPower))
        case .minus:
            return .negate(try expression(Self.unaryArithmeticBindingPower))
        case .plus:
            return .arithmetic(.add, .literal(.number(.int(0))), try expression(Self.unaryArithmeticBindingPower))
        case .expref:
            throw Lexer.syntaxError("'&' is only allowed as a function argument", at: tokens[index - 1].position)
        default:
            if token != .eof { index -= 1 }  // point the error at the token, not past it
            throw unexpected()
        }
    }

    // MARK: Infix positions

    mutating func led(_ token: Token, _ left: consuming Node) throws(PipeError) -> Node {
        switch token {
        case .dot:
            if current == .star {
                advance()
                return .valueProjection(left, try projectionRHS(Token.dot.bindingPower))
            }
            let right = try dotRHS(Token.dot.bindingPower)
            return Self.subexpression(left, right)
        case .lbracket:
            switch current {
            case .number, .colon:
                return try indexOrSlice(on: left)
            case .star:
                advance()
                try expect(.rbracket)
                return .projection(left, try projectionRHS(Self.starBindingPower))
            default:
                throw unexpected()
            }
        case .flatten:
            return .projection(.flatten(left), try projectionRHS(Token.flatten.bindingPower))
        case .filter:
            return try filter(on: left)
        case .pipe: return .pipe(left, try expression(token.bindingPower))
        case .or: return .or(left, try expression(token.bindingPower))
        case .and: return .and(left, try expression(token.bindingPower))
        case .eq: return .comparison(.equal, left, try expression(token.bindingPower))
        case .ne: return .comparison(.notEqual, left, try expression(token.bindingPower))
        case .lt: return .comparison(.less, left, try expression(token.bindingPower))
        case .le: return .comparison(.lessOrEqual, left, try expression(token.bindingPower))
        case .gt: return .comparison(.greater, left, try expression(token.bindingPower))
        case .ge: return .comparison(.greaterOrEqual, left, try expression(token.bindingPower))
        case .plus: return .arithmetic(.add, left, try expression(token.bindingPower))
        case .minus: return .arithmetic(.subtract, left, try expression(token.bindingPower))
        case .star, .multiply: return .arithmetic(.multiply, left, try expression(token.bindingPower))
        case .divide: return .arithmetic(.divide, left, try expression(token.bindingPower))
        case .modulo: return .arithmetic(.modulo, left, try expression(token.bindingPower))
        case .integerDivide: return .arithmetic(.integerDivide, left, try expression(token.bindingPower))
        case .question:
            let then = try expression(0)
            try expect(.colon)
            // Right-associative: `a ? b : c ? d : e` nests in the else branch.
            let otherwise = try expression(token.bindingPower - 1)
            return .ternary(condition: left, then: then, else: otherwise)
        default:
            index -= 1
            throw unexpected()
        }
    }

    // MARK: Pieces

    /// `left.right`, folding chains of plain fields into one ``Node/fieldPath(_:)``.
    static func subexpression(_ left: consuming Node, _ right: Node) -> Node {
        guard case .field(let b) = right else { return .subexpression(left, right) }
        switch consume left {
        case .field(let a): return .fieldPath([a, b])
        case .fieldPath(var path):
            path.append(b)  // `left` was consumed, so the path is not copied
            return .fieldPath(path)
        case let other: return .subexpression(other, right)
        }
    }

    /// What may follow a projection: nothing (when the next token binds loosely), `[…]`, `[?…]` or `.…`.
    mutating func projectionRHS(_ bindingPower: Int) throws(PipeError) -> Node {
        if current.bindingPower < Self.projectionStop { return .identity }
        switch current {
        case .lbracket, .filter, .flatten:
            return try expression(bindingPower)
        case .dot:
            advance()
            return try dotRHS(bindingPower)
        default:
            throw unexpected()
        }
    }

    /// After `.`: an identifier, a function call, `*`, a multi-select list or hash.
    mutating func dotRHS(_ bindingPower: Int) throws(PipeError) -> Node {
        switch current {
        case .unquotedIdentifier, .quotedIdentifier, .star:
            return try expression(bindingPower)
        case .lbracket:
            advance()
            return try multiSelectList()
        case .lbrace:
            advance()
            return try multiSelectHash()
        default:
            throw unexpected()
        }
    }

    mutating func filter(on left: Node) throws(PipeError) -> Node {
        let condition = try expression(0)
        try expect(.rbracket)
        let rhs = try projectionRHS(Token.filter.bindingPower)
        return .filterProjection(left, condition: condition, rhs)
    }

    /// `[n]` or `[start:stop:step]`, the opening bracket already consumed.
    mutating func indexOrSlice(on left: Node) throws(PipeError) -> Node {
        var parts: [Int?] = [nil, nil, nil]
        var part = 0
        var stepPosition = position
        while current != .rbracket {
            switch current {
            case .colon:
                part += 1
                guard part <= 2 else { throw unexpected() }
                advance()
            case .number(let n):
                guard parts[part] == nil else { throw unexpected() }
                parts[part] = n
                if part == 2 { stepPosition = position }
                advance()
            default:
                throw unexpected()
            }
        }
        advance()  // ]
        if part == 0 {
            guard let n = parts[0] else { throw error("expected an index") }
            return .index(left, n)
        }
        if parts[2] == 0 {
            throw PipeError(
                .expressionInvalidValue, "slice step cannot be 0",
                details: ["kind": "invalid-value", "position": String(stepPosition)])
        }
        let slice = Node.slice(left, start: parts[0], stop: parts[1], step: parts[2])
        return .sliceProjection(slice, try projectionRHS(Self.starBindingPower))
    }

    /// `[a, b, …]`, the opening bracket already consumed.
    mutating func multiSelectList() throws(PipeError) -> Node {
        var elements: [Node] = []
        while true {
            elements.append(try expression(0))
            if current == .rbracket { break }
            try expect(.comma)
        }
        advance()
        return .multiSelectList(elements)
    }

    /// `{key: value, …}`, the opening brace already consumed.
    mutating func multiSelectHash() throws(PipeError) -> Node {
        var pairs: [(key: JSONKey, value: Node)] = []
        while true {
            let key: String
            switch current {
            case .unquotedIdentifier(let name), .quotedIdentifier(let name): key = name
            default: throw error("expected a key, found \(current.displayName)")
            }
            advance()
            try expect(.colon)
            pairs.append((JSONKey(key), try expression(0)))
            if current == .rbrace { break }
            try expect(.comma)
        }
        advance()
        return .multiSelectHash(pairs)
    }

    /// `name(args…)`, the name consumed and `(` current.
    mutating func functionCall(_ name: String) throws(PipeError) -> Node {
        let namePosition = tokens[index - 1].position
        advance()  // (
        var arguments: [Argument] = []
        while current != .rparen {
            if current == .expref {
                advance()
                arguments.append(.expression(try expression(0)))
            } else {
                arguments.append(.value(try expression(0)))
            }
            if current == .rparen { break }
            try expect(.comma)
        }
        advance()  // )
        guard let function = BuiltinFunction(rawValue: name) else {
            throw PipeError(
                .expressionUnknownFunction, "unknown function \(name)() at position \(namePosition)",
                details: ["kind": "unknown-function", "position": String(namePosition), "function": name])
        }
        try function.signature.checkArity(arguments.count, name: name, position: namePosition)
        return .function(function, arguments)
    }

    /// `let $a = expr, … in body`, with `let` consumed and a variable current.
    mutating func letExpression() throws(PipeError) -> Node {
        var names: [String: Int] = [:]
        var values: [Node] = []
        let firstSlot = nextSlot
        while true {
            guard case .variable(let name) = current else { throw error("expected a variable binding") }
            advance()
            try expect(.assign)
            // Bindings see the enclosing scope only, not each other.
            values.append(try expression(0))
            names[name] = firstSlot + values.count - 1
            if current == .comma {
                advance()
                continue
            }
            break
        }
        guard case .unquotedIdentifier("in") = current else { throw error("expected 'in' after let bindings") }
        advance()
        nextSlot = firstSlot + values.count
        slotCount = max(slotCount, nextSlot)
        scopes.append(names)
        let body = try expression(0)
        scopes.removeLast()
        nextSlot = firstSlot
        return .letBinding(firstSlot: firstSlot, values: values, body: body)
    }
}

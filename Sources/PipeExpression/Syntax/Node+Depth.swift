extension Node {
    /// Calls `body` with each direct child (expression-reference arguments included).
    func forEachChild(_ body: (Node) -> Void) {
        switch self {
        case .identity, .root, .field, .fieldPath, .literal, .variable:
            break
        case .subexpression(let a, let b), .projection(let a, let b), .sliceProjection(let a, let b),
            .valueProjection(let a, let b), .pipe(let a, let b), .or(let a, let b), .and(let a, let b),
            .comparison(_, let a, let b), .arithmetic(_, let a, let b):
            body(a)
            body(b)
        case .index(let a, _), .slice(let a, _, _, _), .flatten(let a), .not(let a), .negate(let a):
            body(a)
        case .filterProjection(let a, let condition, let b), .ternary(let a, let condition, let b):
            body(a)
            body(condition)
            body(b)
        case .multiSelectList(let elements):
            elements.forEach(body)
        case .multiSelectHash(let pairs):
            for pair in pairs { body(pair.value) }
        case .letBinding(_, let values, let body_):
            values.forEach(body)
            body(body_)
        case .function(_, let arguments):
            for argument in arguments {
                switch argument {
                case .value(let node), .expression(let node): body(node)
                }
            }
        }
    }

    /// The tree's depth, computed without recursion (the tree may be deeper than the stack
    /// allows); stops early once it passes `limit`.
    func depth(limit: Int) -> Int {
        var stack: [(Node, Int)] = [(self, 1)]
        var deepest = 0
        while let (node, depth) = stack.popLast() {
            deepest = max(deepest, depth)
            if deepest > limit { return deepest }
            node.forEachChild { stack.append(($0, depth + 1)) }
        }
        return deepest
    }
}

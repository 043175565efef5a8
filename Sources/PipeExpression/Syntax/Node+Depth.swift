extension Node {
    /// The node's direct children (expression-reference arguments included).
    var children: [Node] {
        switch self {
        case .identity, .root, .field, .fieldPath, .literal, .variable: []
        case .subexpression(let a, let b), .projection(let a, let b), .sliceProjection(let a, let b),
            .valueProjection(let a, let b), .pipe(let a, let b), .or(let a, let b), .and(let a, let b),
            .comparison(_, let a, let b), .arithmetic(_, let a, let b):
            [a, b]
        case .index(let a, _), .slice(let a, _, _, _), .flatten(let a), .not(let a), .negate(let a): [a]
        case .filterProjection(let a, let condition, let b): [a, condition, b]
        case .multiSelectList(let elements): elements
        case .multiSelectHash(let pairs): pairs.map(\.value)
        case .ternary(let condition, let then, let otherwise): [condition, then, otherwise]
        case .letBinding(_, let values, let body): values + [body]
        case .function(_, let arguments):
            arguments.map {
                switch $0 {
                case .value(let node), .expression(let node): node
                }
            }
        }
    }

    /// The tree's depth, computed without recursion; stops early once it passes `limit`.
    func depth(limit: Int) -> Int {
        var stack: [(Node, Int)] = [(self, 1)]
        var deepest = 0
        while let (node, depth) = stack.popLast() {
            deepest = max(deepest, depth)
            if deepest > limit { return deepest }
            for child in node.children { stack.append((child, depth + 1)) }
        }
        return deepest
    }
}

import PipeCore

extension JMESPathExpression {
    /// The fields of its input the expression can read, as paths (`[["price"], ["address", "city"]]`): each
    /// path's whole value may be read, nothing outside them is. `nil` when the expression may read the whole
    /// input (`@`, `$`, `keys(@)`, a wildcard at the top, …).
    ///
    /// Readers use it to build only what an expression needs (`JSONFieldSelection` in PipeCore); evaluating the
    /// expression on an input cut down to these paths gives the same result as on the whole input.
    public var fieldPaths: [[String]]? {
        if root.mentionsRoot { return nil }
        var paths: [[String]] = []
        return root.collectFieldPaths(into: &paths) ? paths : nil
    }
}

extension Node {
    /// The node as a plain path of fields (`a`, `a.b.c`), if it is one.
    var plainPath: [String]? {
        switch self {
        case .field(let key): return [key.name]
        case .fieldPath(let keys): return keys.map(\.name)
        case .subexpression(let left, let right):
            guard let head = left.plainPath, let tail = right.plainPath else { return nil }
            return head + tail
        default: return nil
        }
    }

    /// Adds the paths of the current input this node reads; `false` when it may read all of it.
    ///
    /// Only nodes evaluated against the current input add paths: the right side of a subexpression, pipe or
    /// projection, and expression references, run against other values (a field's value, projected elements).
    func collectFieldPaths(into paths: inout [[String]]) -> Bool {
        if let path = plainPath {
            paths.append(path)
            return true
        }
        switch self {
        case .identity, .root: return false
        case .field, .fieldPath: return true  // handled by plainPath
        case .literal, .variable: return true
        case .subexpression(let left, _), .pipe(let left, _), .index(let left, _), .slice(let left, _, _, _),
            .projection(let left, _), .sliceProjection(let left, _), .valueProjection(let left, _),
            .filterProjection(let left, _, _), .flatten(let left):
            return left.collectFieldPaths(into: &paths)
        case .multiSelectList(let nodes):
            return nodes.allSatisfy { $0.collectFieldPaths(into: &paths) }
        case .multiSelectHash(let members):
            return members.allSatisfy { $0.value.collectFieldPaths(into: &paths) }
        case .or(let a, let b), .and(let a, let b), .comparison(_, let a, let b), .arithmetic(_, let a, let b):
            return a.collectFieldPaths(into: &paths) && b.collectFieldPaths(into: &paths)
        case .not(let a), .negate(let a): return a.collectFieldPaths(into: &paths)
        case .ternary(let condition, let then, let otherwise):
            return condition.collectFieldPaths(into: &paths) && then.collectFieldPaths(into: &paths)
                && otherwise.collectFieldPaths(into: &paths)
        case .letBinding(_, let values, let body):
            return values.allSatisfy { $0.collectFieldPaths(into: &paths) } && body.collectFieldPaths(into: &paths)
        case .function(_, let arguments):
            return arguments.allSatisfy { argument in
                switch argument {
                case .value(let node): node.collectFieldPaths(into: &paths)
                case .expression: true  // applied to other values by the function
                }
            }
        }
    }

    /// Whether `$` (the whole input) appears anywhere, where it reads the input whatever the context.
    var mentionsRoot: Bool {
        switch self {
        case .root: return true
        case .identity, .field, .fieldPath, .literal, .variable: return false
        case .subexpression(let a, let b), .pipe(let a, let b), .projection(let a, let b),
            .sliceProjection(let a, let b), .valueProjection(let a, let b), .or(let a, let b), .and(let a, let b),
            .comparison(_, let a, let b), .arithmetic(_, let a, let b):
            return a.mentionsRoot || b.mentionsRoot
        case .index(let a, _), .slice(let a, _, _, _), .flatten(let a), .not(let a), .negate(let a):
            return a.mentionsRoot
        case .filterProjection(let a, let condition, let b):
            return a.mentionsRoot || condition.mentionsRoot || b.mentionsRoot
        case .multiSelectList(let nodes): return nodes.contains { $0.mentionsRoot }
        case .multiSelectHash(let members): return members.contains { $0.value.mentionsRoot }
        case .ternary(let c, let t, let e): return c.mentionsRoot || t.mentionsRoot || e.mentionsRoot
        case .letBinding(_, let values, let body): return values.contains { $0.mentionsRoot } || body.mentionsRoot
        case .function(_, let arguments):
            return arguments.contains { argument in
                switch argument {
                case .value(let node), .expression(let node): node.mentionsRoot
                }
            }
        }
    }
}

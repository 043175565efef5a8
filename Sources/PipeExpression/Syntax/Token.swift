import PipeCore

/// A lexical token of a JMESPath Community expression.
enum Token: Sendable, Equatable {
    case unquotedIdentifier(String)
    case quotedIdentifier(String)
    case number(Int)
    case literal(JSONValue)
    case rawString(String)
    case variable(String)
    case root, current, dot, star, flatten, filter, lbracket, rbracket, lbrace, rbrace, lparen, rparen
    case comma, colon, pipe, or, and, not, expref, question, assign
    case eq, ne, lt, le, gt, ge
    case plus, minus, multiply, divide, modulo, integerDivide
    case eof

    /// Pratt binding power: how tightly the token binds as an infix (led) operator.
    var bindingPower: Int {
        switch self {
        case .pipe: 1
        case .question: 2
        case .or: 3
        case .and: 4
        case .eq, .ne, .lt, .le, .gt, .ge: 5
        case .plus, .minus: 6
        // As an infix operator `*` multiplies; as a prefix it is a wildcard (see Parser.starBindingPower).
        case .star, .multiply, .divide, .modulo, .integerDivide: 7
        case .flatten: 9
        case .filter: 21
        case .dot: 40
        case .not: 45
        case .lbrace: 50
        case .lbracket: 55
        case .lparen: 60
        default: 0
        }
    }

    /// How the token reads in an error message.
    var displayName: String {
        switch self {
        case .unquotedIdentifier(let s): "identifier '\(s)'"
        case .quotedIdentifier(let s): "quoted identifier \"\(s)\""
        case .number(let n): "number \(n)"
        case .literal: "literal"
        case .rawString: "raw string"
        case .variable(let name): "variable $\(name)"
        case .root: "'$'"
        case .current: "'@'"
        case .dot: "'.'"
        case .star: "'*'"
        case .flatten: "'[]'"
        case .filter: "'[?'"
        case .lbracket: "'['"
        case .rbracket: "']'"
        case .lbrace: "'{'"
        case .rbrace: "'}'"
        case .lparen: "'('"
        case .rparen: "')'"
        case .comma: "','"
        case .colon: "':'"
        case .pipe: "'|'"
        case .or: "'||'"
        case .and: "'&&'"
        case .not: "'!'"
        case .expref: "'&'"
        case .question: "'?'"
        case .assign: "'='"
        case .eq: "'=='"
        case .ne: "'!='"
        case .lt: "'<'"
        case .le: "'<='"
        case .gt: "'>'"
        case .ge: "'>='"
        case .plus: "'+'"
        case .minus: "'-'"
        case .multiply: "'*'"
        case .divide: "'/'"
        case .modulo: "'%'"
        case .integerDivide: "'//'"
        case .eof: "end of expression"
        }
    }
}

/// A token and the code-point offset where it starts.
struct PositionedToken: Sendable {
    var token: Token
    var position: Int
}

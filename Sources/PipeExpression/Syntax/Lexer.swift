import PipeCore

/// Splits an expression into tokens. Positions are offsets in Unicode code points.
struct Lexer {
    /// Longest expression accepted, in code points: expressions are code, not data.
    static let maxLength = 65_536

    let scalars: [Unicode.Scalar]
    var index = 0

    init(_ source: String) {
        scalars = Array(source.unicodeScalars)
    }

    static func syntaxError(_ message: String, at position: Int) -> PipeError {
        PipeError(
            .expressionSyntax, "\(message) at position \(position)",
            details: ["position": String(position), "kind": "syntax"])
    }

    mutating func tokenize() throws(PipeError) -> [PositionedToken] {
        guard scalars.count <= Self.maxLength else {
            throw PipeError(
                .limitExceeded, "expression longer than \(Self.maxLength) characters", details: ["kind": "limit"])
        }
        var tokens: [PositionedToken] = []
        while true {
            skipWhitespace()
            let start = index
            guard index < scalars.count else {
                tokens.append(PositionedToken(token: .eof, position: start))
                return tokens
            }
            tokens.append(PositionedToken(token: try nextToken(), position: start))
        }
    }

    mutating func skipWhitespace() {
        while index < scalars.count {
            switch scalars[index] {
            case " ", "\t", "\n", "\r": index += 1
            default: return
            }
        }
    }

    func peek(_ offset: Int = 1) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }

    static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || (c >= "0" && c <= "9")
    }

    mutating func nextToken() throws(PipeError) -> Token {
        let c = scalars[index]
        let start = index
        // Two-character operators first.
        func two(_ second: Unicode.Scalar, _ long: Token, _ short: Token) -> Token {
            if peek() == second {
                index += 2
                return long
            }
            index += 1
            return short
        }
        switch c {
        case _ where Lexer.isIdentifierStart(c):
            while index < scalars.count, Lexer.isIdentifierPart(scalars[index]) { index += 1 }
            return .unquotedIdentifier(asciiString(start..<index))
        case "0"..."9":
            return try number()
        case "-":
            if let next = peek(), next >= "0" && next <= "9" { return try number() }
            index += 1
            return .minus
        case "\u{2212}":
            index += 1
            return .minus
        case ".": index += 1; return .dot
        case "*": index += 1; return .star
        case "\u{D7}": index += 1; return .multiply
        case "\u{F7}": index += 1; return .divide
        case "/": return two("/", .integerDivide, .divide)
        case "%": index += 1; return .modulo
        case "+": index += 1; return .plus
        case "@": index += 1; return .current
        case "]": index += 1; return .rbracket
        case "{": index += 1; return .lbrace
        case "}": index += 1; return .rbrace
        case "(": index += 1; return .lparen
        case ")": index += 1; return .rparen
        case ",": index += 1; return .comma
        case ":": index += 1; return .colon
        case "?": index += 1; return .question
        case "[":
            if peek() == "]" {
                index += 2
                return .flatten
            }
            if peek() == "?" {
                index += 2
                return .filter
            }
            index += 1
            return .lbracket
        case "|": return two("|", .or, .pipe)
        case "&": return two("&", .and, .expref)
        case "!": return two("=", .ne, .not)
        case "<": return two("=", .le, .lt)
        case ">": return two("=", .ge, .gt)
        case "=":
            if peek() == "=" {
                index += 2
                return .eq
            }
            index += 1
            return .assign
        case "$":
            index += 1
            if index < scalars.count, Lexer.isIdentifierStart(scalars[index]) {
                let nameStart = index
                while index < scalars.count, Lexer.isIdentifierPart(scalars[index]) { index += 1 }
                return .variable(asciiString(nameStart..<index))
            }
            return .root
        case "\"":
            return .quotedIdentifier(try quotedIdentifier())
        case "'":
            return .rawString(try rawString())
        case "`":
            return .literal(try literal())
        default:
            throw Lexer.syntaxError("unexpected character '\(c.escaped(asASCII: true))'", at: start)
        }
    }

    /// The ASCII scalars in `range` as a string, written straight into the string's storage.
    func asciiString(_ range: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: range.count) { buffer in
            for (offset, i) in range.enumerated() { buffer[offset] = UInt8(truncatingIfNeeded: scalars[i].value) }
            return range.count
        }
    }

    mutating func number() throws(PipeError) -> Token {
        let start = index
        if scalars[index] == "-" { index += 1 }
        while index < scalars.count, scalars[index] >= "0" && scalars[index] <= "9" { index += 1 }
        guard let value = Int(asciiString(start..<index)) else {
            throw Lexer.syntaxError("number out of range", at: start)
        }
        return .number(value)
    }

    /// A JSON string in double quotes, decoded with the JSON parser so escapes match JSON exactly.
    mutating func quotedIdentifier() throws(PipeError) -> String {
        let start = index
        index += 1
        while index < scalars.count, scalars[index] != "\"" {
            if scalars[index] == "\\" { index += 1 }
            index += 1
        }
        guard index < scalars.count else { throw Lexer.syntaxError("unterminated quoted identifier", at: start) }
        index += 1
        let text = String(String.UnicodeScalarView(scalars[start..<index]))
        guard let value = try? JSONValue(parsing: text), case .string(let s) = value else {
            throw Lexer.syntaxError("invalid quoted identifier \(text)", at: start)
        }
        return s
    }

    /// A raw string: only `\'` and `\\` are escapes; every other backslash is kept as written.
    mutating func rawString() throws(PipeError) -> String {
        let start = index
        index += 1
        var out = String.UnicodeScalarView()
        while index < scalars.count {
            let c = scalars[index]
            if c == "'" {
                index += 1
                return String(out)
            }
            if c == "\\", let next = peek(), next == "'" || next == "\\" {
                out.append(next)
                index += 2
                continue
            }
            out.append(c)
            index += 1
        }
        throw Lexer.syntaxError("unterminated raw string", at: start)
    }

    /// A JSON literal in backticks, where "\`" stands for a backtick.
    mutating func literal() throws(PipeError) -> JSONValue {
        let start = index
        index += 1
        var out = String.UnicodeScalarView()
        while index < scalars.count {
            let c = scalars[index]
            if c == "`" {
                index += 1
                do {
                    return try JSONValue(parsing: String(out))
                } catch {
                    throw Lexer.syntaxError("invalid JSON literal (\(error.message))", at: start)
                }
            }
            if c == "\\", peek() == "`" {
                out.append("`")
                index += 2
                continue
            }
            out.append(c)
            index += 1
        }
        throw Lexer.syntaxError("unterminated JSON literal", at: start)
    }
}

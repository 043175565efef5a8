extension ASCIISet {
    /// RFC 9110 `tchar`: the characters of a method or a header field name.
    static let httpToken = ASCIISet(
        summary: "letters, digits and !#$%&'*+-.^_`|~",
        lowercase: true, uppercase: true, digits: true, extra: "!#$%&'*+-.^_`|~"
    )
}

import Foundation
import PipeCore
import PipeTestSupport
import Testing

/// Runs JSONTestSuite's `test_parsing` files: every `y_` accepted, every `n_` rejected with a
/// `PipeError`, every `i_` given the outcome documented in ``implementationDefined``.
@Suite("JSONTestSuite")
struct JSONTestSuiteTests {
    /// Our documented answers for the `i_` (implementation-defined) files. `true` means accepted.
    ///
    /// - Numbers too large or too precise for Double/Int64 are accepted and kept exactly as text.
    /// - Unpaired UTF-16 surrogate escapes are accepted and decode to U+FFFD (as jq and Go do).
    /// - Invalid UTF-8 bytes, UTF-16/BOM-prefixed documents are rejected.
    /// - Nesting deeper than 512 levels is rejected with `json_too_deep`.
    static let implementationDefined: [String: Bool] = [
        "i_number_double_huge_neg_exp.json": true,
        "i_number_huge_exp.json": true,
        "i_number_neg_int_huge_exp.json": true,
        "i_number_pos_double_huge_exp.json": true,
        "i_number_real_neg_overflow.json": true,
        "i_number_real_pos_overflow.json": true,
        "i_number_real_underflow.json": true,
        "i_number_too_big_neg_int.json": true,
        "i_number_too_big_pos_int.json": true,
        "i_number_very_big_negative_int.json": true,
        "i_object_key_lone_2nd_surrogate.json": true,
        "i_string_1st_surrogate_but_2nd_missing.json": true,
        "i_string_1st_valid_surrogate_2nd_invalid.json": true,
        "i_string_incomplete_surrogate_and_escape_valid.json": true,
        "i_string_incomplete_surrogate_pair.json": true,
        "i_string_incomplete_surrogates_escape_valid.json": true,
        "i_string_inverted_surrogates_U+1D11E.json": true,
        "i_string_lone_second_surrogate.json": true,
        "i_string_invalid_lonely_surrogate.json": true,
        "i_string_invalid_surrogate.json": true,
        "i_string_UTF-16LE_with_BOM.json": false,
        "i_string_UTF-8_invalid_sequence.json": false,
        "i_string_UTF8_surrogate_U+D800.json": false,
        "i_string_invalid_utf-8.json": false,
        "i_string_iso_latin_1.json": false,
        "i_string_lone_utf8_continuation_byte.json": false,
        "i_string_not_in_unicode_range.json": false,
        "i_string_overlong_sequence_2_bytes.json": false,
        "i_string_overlong_sequence_6_bytes.json": false,
        "i_string_overlong_sequence_6_bytes_null.json": false,
        "i_string_truncated-utf-8.json": false,
        "i_string_utf16BE_no_BOM.json": false,
        "i_string_utf16LE_no_BOM.json": false,
        "i_structure_500_nested_arrays.json": true,
        "i_structure_UTF-8_BOM_empty_object.json": false,
    ]

    static func files() throws -> [URL] {
        guard let suite = try Conformance.suite("json/test_parsing") else { return [] }
        return try FileManager.default.contentsOfDirectory(at: suite, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test("every file gives its expected outcome")
    func suite() throws {
        let files = try Self.files()
        guard !files.isEmpty else { return }
        var failures: [String] = []
        var counts = (y: 0, n: 0, i: 0)
        for file in files {
            let name = file.lastPathComponent
            let bytes = try [UInt8](Data(contentsOf: file))
            let accepted: Bool
            do {
                let value = try JSONValue(parsing: bytes)
                // Whatever we accept must serialize to JSON we accept again, with the same value.
                let again = try JSONValue(parsing: value.serialized())
                if again != value { failures.append("\(name): round trip changed the value") }
                accepted = true
            } catch {
                if error.code != .invalidJSON && error.code != .jsonTooDeep {
                    failures.append("\(name): unexpected error code \(error.code)")
                }
                accepted = false
            }
            switch name.prefix(2) {
            case "y_":
                counts.y += 1
                if !accepted { failures.append("\(name): rejected a valid document") }
            case "n_":
                counts.n += 1
                if accepted { failures.append("\(name): accepted an invalid document") }
            default:
                counts.i += 1
                guard let expected = Self.implementationDefined[name] else {
                    failures.append(
                        "\(name): implementation-defined file without a documented outcome (got \(accepted))")
                    continue
                }
                if expected != accepted { failures.append("\(name): documented \(expected), got \(accepted)") }
            }
        }
        #expect(counts.y > 90 && counts.n > 180, "suite looks incomplete: \(counts)")
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }
}

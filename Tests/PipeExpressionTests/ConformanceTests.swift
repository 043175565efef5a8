import Foundation
import PipeCore
import PipeExpression
import PipeTestSupport
import Testing

/// Runs every case of the JMESPath compliance suite in `$PIPE_CONFORMANCE_DIR/jmespath`.
@Suite("JMESPath conformance")
struct ConformanceTests {
    static let files: [String] = [
        "basic", "benchmarks", "boolean", "current", "escape", "filters", "functions", "identifiers", "indices",
        "jep-12-jep-12-literal", "literal", "multiselect", "pipe", "slice", "syntax", "unicode", "wildcard",
    ]

    @Test("compliance file", arguments: files)
    func complianceFile(_ name: String) throws {
        guard let suite = try Conformance.suite("jmespath") else { return }
        let bytes = try [UInt8](Data(contentsOf: suite.appendingPathComponent("\(name).json")))
        guard case .array(let groups) = try JSONValue(parsing: bytes) else {
            Issue.record("\(name).json is not an array")
            return
        }
        var failures: [String] = []
        var count = 0
        for group in groups {
            let given = group["given"] ?? .null
            for testCase in group["cases"]?.arrayValue ?? [] {
                guard let source = testCase["expression"]?.stringValue else { continue }
                count += 1
                let outcome: Result<JSONValue, PipeError> = Result { () throws(PipeError) -> JSONValue in
                    try JMESPathExpression(source).evaluate(given)
                }
                if let expectedError = testCase["error"]?.stringValue {
                    switch outcome {
                    case .success(let value):
                        failures.append("\(source): expected error \(expectedError), got \(value)")
                    case .failure(let error) where error.expressionErrorKind != expectedError:
                        failures.append("\(source): expected error \(expectedError), got \(error)")
                    default: break
                    }
                } else if let expected = testCase["result"] {
                    switch outcome {
                    case .success(let value) where value == expected: break
                    case .success(let value): failures.append("\(source): expected \(expected), got \(value)")
                    case .failure(let error): failures.append("\(source): expected \(expected), got error \(error)")
                    }
                }
            }
        }
        #expect(count > 0, "no cases in \(name).json")
        #expect(failures.isEmpty, "\(failures.count) of \(count) cases failed:\n\(failures.joined(separator: "\n"))")
    }
}

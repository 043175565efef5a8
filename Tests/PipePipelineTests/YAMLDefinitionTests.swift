import PipeCore
import PipePipeline
import Testing

@Suite("YAML definitions")
struct YAMLDefinitionTests {
    @Test("a YAML definition reads like its JSON twin")
    func yaml() throws {
        let yaml = """
            name: paid-orders
            version: 3
            source:
              type: inline
              records:
                - {id: 1, status: paid, total: 12.50, big: 123456789012345678901234567890}
                - {id: 2, status: open, total: 3, note: null, vip: true}
            steps:
              - type: filter
                expression: "status == 'paid'"
              - type: aggregate
                measures:
                  revenue: {sum: total}
                  orders: count
                onError: deadLetter
            limits: {maxRecords: 10}
            """
        let definition = try PipelineDefinition.parse(yaml: yaml)
        #expect(definition.version == 3 && definition.steps.count == 2 && definition.limits.maxRecords == 10)
        guard case .inline(let records) = definition.source else {
            Issue.record("not inline")
            return
        }
        #expect(records[0]["total"] == 12.5 && records[1]["vip"] == true && records[1]["note"] == .null)
        #expect(records[0]["big"]?.serializedString() == "123456789012345678901234567890")
        #expect(records[0]["status"] == "paid")
        #expect(try PipelineDefinition.decode(definition.json) == definition)
    }

    @Test(
        "bad YAML is refused with a clear error",
        arguments: [
            "name: [unclosed", "base: &a {x: 1}\nname: x1\nsteps: [*a]", "name: x1\nsteps: !!binary aGk=",
            "- just\n- a list", "",
        ])
    func bad(yaml: String) {
        #expect(throws: PipeError.self) { try PipelineDefinition.parse(yaml: yaml) }
    }
}

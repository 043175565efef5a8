import Testing
@Suite struct Placeholder2 {}

import Foundation

/// A test server (the behaviour server or nginx) could not be started or did not answer as expected.
public struct TestServerError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, including the child's stderr when there was any.
    public let description: String

    /// Creates an error with the given description.
    public init(_ description: String) {
        self.description = description
    }
}

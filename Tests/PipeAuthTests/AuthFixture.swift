import Foundation
import PipeAuth
import PipeCore
import PipeHTTP
import Synchronization

/// A clock the tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(_ seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    var function: @Sendable () -> Date { { self.now } }
}

/// An auth service on a fresh temporary directory, with a test clock and cheap password hashing.
struct AuthFixture {
    let directory: URL
    let clock: TestClock
    let auth: AuthService
    let configuration: AuthConfiguration

    static let issuer = "https://pipe.test"

    static func configuration() -> AuthConfiguration {
        var configuration = AuthConfiguration(issuer: issuer)
        // The cost is what makes scrypt slow on purpose; tests need many hashes, not strong ones.
        configuration.passwordHasher = try! PasswordHasher(logCost: 10, blockSize: 8, parallelism: 1)
        return configuration
    }

    init(
        configure: (inout AuthConfiguration) -> Void = { _ in }, http: (any HTTPTransport)? = nil,
        clock: TestClock = TestClock(), directory: URL? = nil
    ) async throws {
        self.clock = clock
        self.directory =
            directory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("pipe-auth-\(UUID().uuidString)")
        var configuration = Self.configuration()
        configure(&configuration)
        self.configuration = configuration
        auth = try await AuthService.embedded(
            directory: self.directory, configuration: configuration, http: http, clock: clock.function)
    }

    /// Another service on the same directory (a restart).
    func reopened() async throws -> AuthFixture {
        try await AuthFixture(configure: { $0 = configuration }, clock: clock, directory: directory)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// An admin, created directly as the first account would be.
    func admin() async throws -> Principal {
        let user = try await auth.createServiceAccount(
            name: "bootstrap", roles: [AuthService.adminRole], as: Principal(id: .random(), roles: [AuthService.adminRole]))
        return user.principal
    }

    /// Signs `email` in with `password`, expecting no second factor.
    func signIn(_ email: String, _ password: String) async throws -> TokenPair {
        guard case .signedIn(let pair) = try await auth.signIn(email: email, password: password) else {
            throw PipeError(.internalError, "a second factor was asked for")
        }
        return pair
    }
}

extension AuthFixture {
    /// Creates `email` (password "correct horse") with a confirmed TOTP factor; returns the account, its
    /// authenticator and its recovery codes, with the clock moved past the enrolment's time step.
    func userWithSecondFactor(_ email: String = "ada@example.com") async throws -> (User, TOTP, [String]) {
        let user = try await auth.createUser(email: email, password: "correct horse")
        let enrolment = try await auth.beginTOTPEnrolment(for: user.id, as: user.principal)
        let authenticator = try TOTP(base32Secret: enrolment.secret)
        let recovery = try await auth.confirmTOTPEnrolment(code: authenticator.code(at: clock.now), for: user.id, as: user.principal)
        clock.advance(60)
        return (user, authenticator, recovery)
    }

    /// Signs `email` in with "correct horse" and returns the second-factor challenge it must get.
    func challenge(_ email: String = "ada@example.com") async throws -> String {
        guard case .secondFactorRequired(let challenge) = try await auth.signIn(email: email, password: "correct horse")
        else { throw PipeError(.internalError, "no second factor was asked for") }
        return challenge.token
    }

    /// A six-digit code that is not the authenticator's current one.
    func wrongCode(_ authenticator: TOTP) -> String {
        authenticator.code(at: clock.now) == "111111" ? "222222" : "111111"
    }
}

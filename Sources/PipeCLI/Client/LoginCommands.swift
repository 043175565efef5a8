import ArgumentParser
import Foundation
import PipeClient
import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in to a deployment and keep the session for the client commands.",
        discussion: """
            With --email: the password comes from PIPE_PASSWORD, else a prompt on the terminal; a second-factor \
            code from --code, else a prompt. With --provider: prints the provider's sign-in URL (and tries to open \
            a browser), then waits on 127.0.0.1:--port for the browser to come back; the deployment must allow the \
            redirect URI http://127.0.0.1:PORT/callback. The URL and the session are saved in PIPE_CONFIG_DIR \
            (default ~/.config/pipe), readable by you only; the session is refreshed as it is used, and \
            `pipe logout` ends it.
            """
    )
    @OptionGroup var client: ClientOptions
    @Option(name: .long, help: "The account's email (password sign-in).") var email: String?
    @Option(name: .long, help: "A TOTP or recovery code, for accounts with a second factor.") var code: String?
    @Option(name: .long, help: "Sign in through this OAuth / OpenID Connect provider of the deployment.")
    var provider: String?
    @Option(name: .long, help: "The loopback port the browser comes back to (with --provider).") var port = 8976
    @Flag(name: .customLong("no-browser"), help: "Only print the sign-in URL (with --provider).") var noBrowser = false

    func validate() throws {
        guard (email == nil) != (provider == nil) else {
            throw ValidationError("give --email (password sign-in) or --provider (OAuth sign-in)")
        }
    }

    func run() async {
        await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
            if let provider {
                try await Self.signIn(pipe, provider: provider, port: port, openBrowser: !noBrowser)
            } else {
                try await signInWithPassword(pipe, email: email ?? "")
            }
            try LoginFiles.save(url: try client.resolvedURL())
            let account = try await pipe.auth.currentAccount()
            if client.json {
                printJSON(["id": account.id, "email": account.email ?? "", "displayName": account.displayName])
            } else {
                print("Signed in to \(try client.resolvedURL().absoluteString) as \(account.email ?? account.id).")
            }
        }
    }

    /// The OAuth sign-in of a command-line tool: the browser comes back to a loopback port.
    static func signIn(_ pipe: PipeClient, provider: String, port: Int, openBrowser: Bool) async throws(PipeError) {
        let receiver = try LoopbackRedirectReceiver(port: port)
        try await pipe.auth.signIn(provider: provider, redirectURI: receiver.redirectURI) { url in
            FileHandle.standardError.write(Data("Open this page to sign in:\n  \(url.absoluteString)\n".utf8))
            if openBrowser { Self.open(url) }
            return try await receiver.callback()
        }
    }

    /// Asks the desktop to open `url` in a browser, if there is a desktop; failing is fine (the URL is printed).
    static func open(_ url: URL) {
        #if os(macOS)
            let opener = "/usr/bin/open"
        #else
            let opener = "/usr/bin/xdg-open"
        #endif
        guard FileManager.default.isExecutableFile(atPath: opener) else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: opener)
        process.arguments = [url.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
    }

    private func signInWithPassword(_ pipe: PipeClient, email: String) async throws(PipeError) {
        let password: String
        if let given = ClientOptions.environment["PIPE_PASSWORD"] {
            password = given
        } else {
            password = try Self.prompt("Password: ", secret: true)
        }
        switch try await pipe.auth.signIn(email: email, password: password) {
        case .signedIn: break
        case .secondFactorRequired(let challenge, _):
            let code: String
            if let given = self.code { code = given } else { code = try Self.prompt("Code: ", secret: false) }
            try await pipe.auth.completeSecondFactor(challenge: challenge, code: code)
        }
    }

    /// Reads a line from the terminal (without echo for secrets); fails when there is no terminal to ask.
    static func prompt(_ text: String, secret: Bool) throws(PipeError) -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            throw PipeError(.invalidArgument, "no terminal to ask on: set PIPE_PASSWORD (and pass --code if needed)")
        }
        FileHandle.standardError.write(Data(text.utf8))
        var settings = termios()
        let restore = secret && tcgetattr(STDIN_FILENO, &settings) == 0
        if restore {
            var quiet = settings
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        }
        defer {
            if restore {
                tcsetattr(STDIN_FILENO, TCSANOW, &settings)
                FileHandle.standardError.write(Data("\n".utf8))
            }
        }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw PipeError(.invalidArgument, "nothing was entered")
        }
        return line
    }
}

struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout", abstract: "End the saved session, on the deployment and here.")
    @OptionGroup var client: ClientOptions

    func run() async {
        await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
            await pipe.auth.signOut()
            if !client.json { print("Signed out.") }
        }
    }
}

// oauth-login URL PROVIDER [PORT]
//
// Signs in to a deployment (`pipe serve`) through one of its OAuth / OpenID Connect providers, as a command-line
// tool does: prints the provider's sign-in page, waits for the browser to come back to 127.0.0.1:PORT (default
// 8976; the deployment must allow http://127.0.0.1:PORT/callback as a redirect URI), then prints who signed in.
// The session is kept in a file under $PIPE_CONFIG_DIR (default ./.pipe-session), so a second run is already
// signed in.
import Foundation
import PipeClient
import PipeCore

let arguments = CommandLine.arguments
guard (3...4).contains(arguments.count), let url = URL(string: arguments[1]),
    let port = arguments.count == 4 ? Int(arguments[3]) : 8976
else {
    FileHandle.standardError.write(Data("usage: oauth-login URL PROVIDER [PORT]\n".utf8))
    exit(2)
}

do {
    let directory = ProcessInfo.processInfo.environment["PIPE_CONFIG_DIR"] ?? ".pipe-session"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let sessions = FileSessionStore(path: directory + "/session.json")
    let pipe = try await PipeClient.remote(url, sessions: sessions)
    if case .signedOut = await pipe.auth.state {
        let receiver = try LoopbackRedirectReceiver(port: port)
        try await pipe.auth.signIn(provider: arguments[2], redirectURI: receiver.redirectURI) { page in
            FileHandle.standardError.write(Data("Open this page to sign in:\n  \(page.absoluteString)\n".utf8))
            return try await receiver.callback(timeout: .seconds(300))
        }
    }
    let account = try await pipe.auth.currentAccount()
    print("signed in as \(account.email ?? account.id)")
    await pipe.shutdown()
} catch {
    FileHandle.standardError.write(Data("oauth-login: \(error)\n".utf8))
    exit(1)
}

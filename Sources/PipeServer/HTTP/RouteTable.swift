import Hummingbird
import PipeCore

/// Every route's method and path template, to tell a path nothing serves (`404`) from a path served with other
/// methods (`405` with `Allow`, as HTTP asks), which the router alone does not.
struct RouteTable: Sendable {
    private let routes: [(method: String, segments: [Substring])]

    /// - Parameter routes: `METHOD /path` lines, parameters as `{name}` or `:name`, a trailing `**` for the rest.
    init(_ routes: [String]) {
        self.routes = routes.compactMap { line in
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            return (String(parts[0]), parts[1].split(separator: "/"))
        }
    }

    /// The methods some route serves `path` with, sorted; empty when none does.
    func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/")
        return Set(routes.filter { Self.matches($0.segments, segments) }.map(\.method)).sorted()
    }

    private static func matches(_ template: [Substring], _ path: [Substring]) -> Bool {
        var index = 0
        for part in template {
            if part == "**" { return index < path.count }
            guard index < path.count else { return false }
            if !(part.hasPrefix("{") || part.hasPrefix(":")) && part != path[index] { return false }
            index += 1
        }
        return index == path.count
    }
}

/// Innermost: when the router finds no route, tells a path served with other methods (`405`, `method_not_allowed`,
/// `details.allow` and the `Allow` header listing them) from a path nothing serves (`404`).
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = PipeRequestContext
    let routes: RouteTable

    func handle(
        _ request: Request, context: PipeRequestContext,
        next: (Request, PipeRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(for: request.uri.path)
            guard !allowed.isEmpty else { throw error }
            let allow = allowed.joined(separator: ", ")
            throw PipeError(
                .methodNotAllowed, "\(request.method) is not served here; use \(allow)", details: ["allow": allow])
        }
    }
}

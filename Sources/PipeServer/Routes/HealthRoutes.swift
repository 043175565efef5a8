import Hummingbird
import PipeAuth
import PipePipeline
import PipeStorage
import PipeCore

/// `/health/live` (the process answers) and `/health/ready` (each backend answers).
struct HealthRoutes {
    let deployment: Deployment

    func add(to router: Router<PipeRequestContext>) {
        router.get("health/live") { _, _ in JSONResponse.make(["status": "ok"]) }
        router.get("health/ready") { _, _ in await ready() }
    }

    func ready() async -> Response {
        var checks: [(String, JSONValue)] = []
        var healthy = true
        func record(_ name: String, _ check: () async throws -> Void) async {
            do {
                try await check()
                checks.append((name, "ok"))
            } catch {
                healthy = false
                checks.append((name, "unavailable"))
            }
        }
        await record("auth") { _ = try deployment.auth.jwks() }
        await record("storage") { _ = try await deployment.storage.listBuckets(as: nil) }
        await record("jobs") { _ = try await deployment.queue.stats() }
        return JSONResponse.make(
            ["status": healthy ? "ok" : "unavailable", "checks": .object(JSONObject(checks))], status: healthy ? 200 : 503)
    }
}

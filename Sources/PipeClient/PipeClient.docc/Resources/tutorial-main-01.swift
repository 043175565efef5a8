import Foundation
import PipeClient
import PipeCore
import PipePipeline

let directory = ".orders"
let services = try await EmbeddedServices.open(directory: directory)
// On a fresh directory: the first admin account, with an API key that is shown this once. Keep it.
if let admin = try await services.bootstrapAdmin() {
    _ = FileManager.default.createFile(
        atPath: directory + "/admin.key", contents: Data(admin.apiKey.utf8), attributes: [.posixPermissions: 0o600])
}
let key = try String(contentsOfFile: directory + "/admin.key", encoding: .utf8)

let pipe = try await PipeClient.embedded(services, credentials: .apiKey(key))
let workers = Task { await services.runWorkers() }

import Dispatch
import PipeCore

/// Runs blocking system calls (file reads and writes, `fsync`) off Swift's cooperative thread pool.
///
/// The cooperative pool has one thread per core; a thread parked in `fsync` would stall every task on it. Work here
/// runs on Dispatch's global queue instead, one call per chunk (a megabyte), so the cost of the hop is small next to
/// the I/O it carries.
enum BlockingIO {
    static func run<Value: Sendable>(
        _ work: @escaping @Sendable () throws(PipeError) -> Value
    ) async throws(PipeError) -> Value {
        let result: Result<Value, PipeError> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                do throws(PipeError) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}

import Dispatch

/// Runs blocking work (file reads and writes, `fsync`, memory-hard password hashes) off Swift's cooperative thread
/// pool.
///
/// The cooperative pool has one thread per core; a thread parked in `fsync` or busy for 100 ms in scrypt would stall
/// every task on it. Work here runs on Dispatch's global queue instead, in units large enough (a megabyte of I/O, one
/// hash) that the cost of the hop is small next to the work it carries.
package enum BlockingIO {
    package static func run<Value: Sendable>(
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

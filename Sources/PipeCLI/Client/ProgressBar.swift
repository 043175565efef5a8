import Foundation
import PipeClient
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A progress line on standard error, when it is a terminal: redrawn at most ten times a second, cleared at the end.
final class ProgressBar: Sendable {
    private let label: String
    private let lastDraw = Mutex<ContinuousClock.Instant?>(nil)
    let enabled: Bool

    init(_ label: String) {
        self.label = label
        enabled = isatty(STDERR_FILENO) == 1
    }

    /// The handler to pass to a transfer; `nil` when standard error is not a terminal.
    var handler: ProgressHandler? {
        guard enabled else { return nil }
        return { [self] progress in update(progress) }
    }

    func update(_ progress: TransferProgress) {
        let now = ContinuousClock.now
        let due = lastDraw.withLock { last -> Bool in
            guard last.map({ now - $0 >= .milliseconds(100) }) ?? true || progress.bytes == progress.total else {
                return false
            }
            last = now
            return true
        }
        guard due else { return }
        var line = "\r\(label) " + Table.bytes(progress.bytes)
        if let total = progress.total, total > 0 {
            let fraction = min(1, Double(progress.bytes) / Double(total))
            let filled = Int(fraction * 30)
            line += " / " + Table.bytes(total) + " [" + String(repeating: "#", count: filled)
                + String(repeating: "-", count: 30 - filled) + "] " + String(format: "%3.0f%%", fraction * 100)
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled, lastDraw.withLock({ $0 }) != nil else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

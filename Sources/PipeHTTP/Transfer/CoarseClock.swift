#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A monotonic clock read in milliseconds, with a resolution of a few: cheap enough for a callback that runs many
/// times per request, and fine enough for stall timeouts, which are seconds long.
enum CoarseClock {
    static func milliseconds() -> Int64 {
        #if canImport(Darwin)
            return Int64(clock_gettime_nsec_np(CLOCK_UPTIME_RAW_APPROX) / 1_000_000)
        #else
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC_COARSE, &now)
            return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
        #endif
    }
}

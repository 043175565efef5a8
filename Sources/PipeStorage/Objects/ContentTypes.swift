/// Media types guessed from a key's extension, for uploads that do not say what they are.
///
/// The table covers the types web applications store most; anything else is `application/octet-stream`, which
/// browsers download rather than render (the safe default for unknown bytes).
enum ContentTypes {
    static let fallback = "application/octet-stream"

    static let byExtension: [String: String] = [
        "txt": "text/plain; charset=utf-8", "md": "text/markdown; charset=utf-8", "csv": "text/csv; charset=utf-8",
        "tsv": "text/tab-separated-values; charset=utf-8", "html": "text/html; charset=utf-8",
        "htm": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
        "mjs": "text/javascript; charset=utf-8", "xml": "application/xml", "json": "application/json",
        "jsonl": "application/jsonl", "ndjson": "application/x-ndjson", "yaml": "application/yaml",
        "yml": "application/yaml", "pdf": "application/pdf", "zip": "application/zip", "gz": "application/gzip",
        "tar": "application/x-tar", "wasm": "application/wasm", "parquet": "application/vnd.apache.parquet",
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
        "avif": "image/avif", "svg": "image/svg+xml", "ico": "image/vnd.microsoft.icon", "bmp": "image/bmp",
        "tif": "image/tiff", "tiff": "image/tiff", "heic": "image/heic",
        "mp3": "audio/mpeg", "wav": "audio/wav", "ogg": "audio/ogg", "flac": "audio/flac", "m4a": "audio/mp4",
        "mp4": "video/mp4", "webm": "video/webm", "mov": "video/quicktime", "mkv": "video/x-matroska",
        "woff": "font/woff", "woff2": "font/woff2", "ttf": "font/ttf", "otf": "font/otf",
    ]

    /// The type for `key`'s extension (case-insensitive), or ``fallback``.
    static func sniff(key: String) -> String {
        let name = key.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return fallback }
        return byExtension[name[name.index(after: dot)...].lowercased()] ?? fallback
    }

    /// Checks a caller-supplied media type: `type/subtype` with optional parameters, printable ASCII, bounded.
    static func isValid(_ type: String) -> Bool {
        guard !type.isEmpty, type.utf8.count <= 255, type.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            return false
        }
        let essence = type.prefix { $0 != ";" }
        let halves = essence.split(separator: "/", omittingEmptySubsequences: false)
        return halves.count == 2 && halves.allSatisfy { !$0.trimmingBlanks.isEmpty }
    }
}

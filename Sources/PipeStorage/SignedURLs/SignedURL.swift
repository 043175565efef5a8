#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import PipeCore

/// A URL that lets whoever holds it read or write one object until it expires, without credentials.
///
/// The signature (HMAC-SHA256 with the service's signing key) covers the method, bucket, key, expiry and, when
/// given, the content type an upload must declare; changing any of them, or using the URL after ``expiresAt``,
/// makes the service refuse it with `signature_invalid`.
///
/// ```swift
/// let link = try await storage.signURL(.get, in: photos, at: key, expiresIn: .seconds(600), as: alice)
/// print(link.url(base: "https://pipe.example.com"))
/// // https://pipe.example.com/v1/storage/signed/photos/cat.jpg?method=GET&expires=1795000000&signature=…
/// ```
public struct SignedURL: Sendable, Hashable {
    /// `GET` (which also allows `HEAD`) or `PUT`.
    public var method: HTTPMethod
    /// The bucket.
    public var bucket: BucketName
    /// The object's key.
    public var key: ObjectKey
    /// When the URL stops working (whole seconds).
    public var expiresAt: Date
    /// The `Content-Type` a signed upload must carry; `nil` for any the bucket accepts.
    public var contentType: String?
    /// The signature: base64url HMAC-SHA256, unpadded.
    public var signature: String

    /// The path: `/v1/storage/signed/<bucket>/<key>`, the key percent-encoded segment by segment.
    public var path: String {
        "/v1/storage/signed/\(bucket.rawValue)/" + key.rawValue.split(separator: "/").map { Self.escape($0) }.joined(
            separator: "/")
    }

    /// The query string, without `?`.
    public var query: String {
        var items = ["method=\(method.rawValue)", "expires=\(Int64(expiresAt.timeIntervalSince1970))"]
        if let contentType { items.append("content-type=\(Self.escape(contentType[...]))") }
        items.append("signature=\(signature)")
        return items.joined(separator: "&")
    }

    /// The full URL under a deployment's base URL.
    public func url(base: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base + path + "?" + query
    }

    /// RFC 3986 unreserved characters stay; every other byte is `%XX`.
    static func escape(_ text: Substring) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}

/// What a verified signed URL allows: one method on one object.
public struct SignedAccess: Sendable, Hashable {
    /// The signed method.
    public let method: HTTPMethod
    /// The bucket.
    public let bucket: BucketName
    /// The object's key.
    public let key: ObjectKey
    /// The content type a signed upload must carry, if the signer fixed one.
    public let contentType: String?
    /// The bucket's generation when the URL was checked: using it later fails if the bucket was replaced since.
    let generation: Int64

    /// Throws unless `record` is the bucket this access was checked against.
    func check(_ record: BucketRecord?) throws(PipeError) {
        guard let record, URLSigner.generation(record.bucket.createdAt) == generation else {
            throw PipeError(
                .signatureInvalid, "the URL's bucket was deleted or replaced", details: ["reason": "signature"])
        }
    }
}

import Crypto
import Foundation
import PipeCore

/// Signs and verifies ``SignedURL``s with one HMAC-SHA256 key.
struct URLSigner: Sendable {
    let key: SymmetricKey

    init(secret: [UInt8]) throws(PipeError) {
        guard secret.count >= 32 else {
            throw PipeError(.invalidArgument, "the URL signing secret must be at least 32 bytes (is \(secret.count))")
        }
        key = SymmetricKey(data: secret)
    }

    /// The string the signature covers; fields are newline-separated and none can hold a newline (keys and bucket
    /// names cannot, content types are checked to be printable ASCII), so no two field lists share a string.
    ///
    /// `generation` identifies the bucket itself, not just its name (its creation time in milliseconds): a URL for
    /// a bucket that was deleted stops working even if someone creates a bucket with the same name.
    static func canonical(
        method: HTTPMethod, bucket: BucketName, generation: Int64, key: ObjectKey, expires: Int64, contentType: String?
    ) -> [UInt8] {
        Array(
            "PIPE-URL-1\n\(method.rawValue)\n\(bucket.rawValue)\n\(generation)\n\(key.rawValue)\n\(expires)\n\(contentType ?? "")"
                .utf8)
    }

    /// The bucket generation for `createdAt`.
    static func generation(_ createdAt: Date) -> Int64 {
        Int64((createdAt.timeIntervalSince1970 * 1000).rounded(.down))
    }

    func sign(
        method: HTTPMethod, bucket: BucketName, generation: Int64, key: ObjectKey, expires: Int64, contentType: String?
    ) -> String {
        let code = HMAC<SHA256>.authenticationCode(
            for: Self.canonical(
                method: method, bucket: bucket, generation: generation, key: key, expires: expires,
                contentType: contentType),
            using: self.key)
        return Base64URL.encode(Array(code))
    }

    /// Checks a presented signature in constant time; `now` decides expiry.
    func verify(
        method: HTTPMethod, bucket: BucketName, generation: Int64, key: ObjectKey, expires: Int64,
        contentType: String?, signature: String, now: Date
    ) throws(PipeError) {
        guard let code = Base64URL.decode(signature), code.count == 32,
            HMAC<SHA256>.isValidAuthenticationCode(
                code,
                authenticating: Self.canonical(
                    method: method, bucket: bucket, generation: generation, key: key, expires: expires,
                    contentType: contentType),
                using: self.key)
        else {
            throw PipeError(.signatureInvalid, "the URL's signature does not match", details: ["reason": "signature"])
        }
        guard Double(expires) > now.timeIntervalSince1970 else {
            throw PipeError(.signatureInvalid, "the signed URL has expired", details: ["reason": "expired"])
        }
    }
}

/// Unpadded base64url (RFC 4648 §5), the form that travels in URLs unescaped.
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> [UInt8]? {
        guard text.utf8.count <= 4096,
            text.utf8.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "=") })
        else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.utf8.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map { [UInt8]($0) }
    }
}

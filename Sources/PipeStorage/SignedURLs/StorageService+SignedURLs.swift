#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import PipeCore

extension StorageService {
    /// The longest a signed URL may stay valid.
    public static let maxSignedURLLifetime: Duration = .seconds(7 * 24 * 3600)

    /// Signs a URL for `GET` (read) or `PUT` (upload) of one object.
    ///
    /// The signer needs the right the URL grants (`read` for GET, `write` for PUT) now; the URL carries that right
    /// to whoever holds it until it expires.
    ///
    /// - Parameters:
    ///   - method: `GET` or `PUT`.
    ///   - bucket: the object's bucket.
    ///   - key: the object's key.
    ///   - expiresIn: 1 second to ``maxSignedURLLifetime``.
    ///   - contentType: for PUT, the `Content-Type` the upload must declare.
    ///   - principal: the signer, who needs the right the URL carries.
    /// - Throws: `invalid_argument` for another method or lifetime; what
    ///   ``headObject(in:at:conditions:as:)`` throws when the signer may not read (for GET).
    public func signURL(
        _ method: HTTPMethod, in bucket: BucketName, at key: ObjectKey, expiresIn: Duration,
        contentType: String? = nil, as principal: Principal?
    ) async throws(PipeError) -> SignedURL {
        guard method == .get || method == .put else {
            throw PipeError(.invalidArgument, "URLs are signed for GET or PUT, not \(method)")
        }
        guard expiresIn >= .seconds(1), expiresIn <= Self.maxSignedURLLifetime else {
            throw PipeError(.invalidArgument, "a signed URL lives from 1 second to 7 days")
        }
        if let contentType, !ContentTypes.isValid(contentType) {
            throw PipeError(.invalidArgument, "\(contentType.debugDescription) is not a media type")
        }
        let record = try await visibleBucket(bucket, to: principal)
        if method == .get {
            try authorize(principal, .read, on: .object(bucket, key), in: record, hiddenAs: .objectNotFound)
        } else {
            try authorize(principal, .write, on: .object(bucket, key), in: record)
        }
        let expires = Int64((now.timeIntervalSince1970 + Self.seconds(expiresIn)).rounded(.up))
        let signature = signer.sign(
            method: method, bucket: bucket, generation: URLSigner.generation(record.bucket.createdAt), key: key,
            expires: expires, contentType: contentType)
        metrics.count(.signURL)
        return SignedURL(
            method: method, bucket: bucket, key: key, expiresAt: Date(timeIntervalSince1970: Double(expires)),
            contentType: contentType, signature: signature)
    }

    /// Checks a signed URL presented with a request, and returns what it allows.
    ///
    /// - Parameters:
    ///   - method: the request's method (`HEAD` is accepted for a URL signed for `GET`).
    ///   - bucket: the bucket named by the request's path.
    ///   - key: the key named by the request's path.
    ///   - query: the URL's query items (`method`, `expires`, `signature`, optional `content-type`), decoded.
    ///   - contentType: for uploads, the request's `Content-Type`.
    /// - Throws: `signature_invalid` (`details["reason"]`: `signature`, `expired`, `method` or
    ///   `contentType`) for any mismatch; a URL for a bucket that was deleted (even if one with the same name was
    ///   made since) fails as `signature`.
    public func verifySignedURL(
        method: HTTPMethod, bucket: BucketName, key: ObjectKey, query: [String: String], contentType: String? = nil
    ) async throws(PipeError) -> SignedAccess {
        guard let signedMethod = query["method"].flatMap({ HTTPMethod($0) }), let expiresText = query["expires"],
            let expires = Int64(expiresText), let signature = query["signature"]
        else {
            throw PipeError(
                .signatureInvalid, "the URL lacks method, expires or signature", details: ["reason": "signature"])
        }
        let signedType = query["content-type"]
        let generation = try await metadata.bucket(bucket).map { URLSigner.generation($0.bucket.createdAt) } ?? -1
        try signer.verify(
            method: signedMethod, bucket: bucket, generation: generation, key: key, expires: expires,
            contentType: signedType, signature: signature, now: now)
        guard method == signedMethod || (method == .head && signedMethod == .get) else {
            throw PipeError(
                .signatureInvalid, "the URL is signed for \(signedMethod), not \(method)", details: ["reason": "method"])
        }
        if let signedType, signedType != contentType {
            throw PipeError(
                .signatureInvalid, "the URL is signed for Content-Type \(signedType)",
                details: ["reason": "contentType"])
        }
        return SignedAccess(
            method: signedMethod, bucket: bucket, key: key, contentType: signedType, generation: generation)
    }

    /// The unauthenticated URL path of an object in a public bucket: `/v1/storage/public/<bucket>/<key>`.
    ///
    /// - Throws: `bucket_not_found`; `forbidden` when the bucket is not public.
    public func publicURL(in bucket: BucketName, at key: ObjectKey, base: String) async throws(PipeError) -> String {
        guard let record = try await metadata.bucket(bucket), record.bucket.isPublic else {
            throw PipeError(.forbidden, "bucket \(bucket) is not public; sign a URL instead")
        }
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/v1/storage/public/\(bucket.rawValue)/"
            + key.rawValue.split(separator: "/").map { SignedURL.escape($0) }.joined(separator: "/")
    }
}

/// How the client checks servers and proves itself over TLS (OpenSSL, through libcurl).
public struct TLSConfiguration: Sendable, Hashable {
    /// A PEM file of certificate authorities to trust instead of the system bundle (e.g. a private CA).
    public var certificateAuthorityPath: String?
    /// A PEM client certificate for servers that require one (mutual TLS).
    public var clientCertificatePath: String?
    /// The PEM private key of ``clientCertificatePath``.
    public var clientKeyPath: String?
    /// Whether to verify the server's certificate and host name. Leave it on: turning it off makes
    /// TLS pointless against an active attacker; it exists for local debugging only.
    public var verifyPeer: Bool

    /// TLS 1.2 or later, verified against the system's CA bundle.
    public init(
        certificateAuthorityPath: String? = nil, clientCertificatePath: String? = nil, clientKeyPath: String? = nil,
        verifyPeer: Bool = true
    ) {
        self.certificateAuthorityPath = certificateAuthorityPath
        self.clientCertificatePath = clientCertificatePath
        self.clientKeyPath = clientKeyPath
        self.verifyPeer = verifyPeer
    }
}

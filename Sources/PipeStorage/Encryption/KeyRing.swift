import Crypto
import PipeCore

/// A data key wrapped (AES-GCM) by a master key, as stored in an object's metadata.
package struct WrappedKey: Sendable, Hashable {
    /// The id of the master key that wrapped it.
    package var masterKeyID: String
    /// nonce (12) ‖ ciphertext (32) ‖ tag (16).
    package var sealed: [UInt8]

    package init(masterKeyID: String, sealed: [UInt8]) {
        self.masterKeyID = masterKeyID
        self.sealed = sealed
    }
}

/// The configured master keys: wraps new data keys with the active one, unwraps with whichever wrapped them.
struct KeyRing: Sendable {
    let keys: [String: MasterKey]
    let active: MasterKey

    init(keys: [MasterKey], activeID: String?) throws(PipeError) {
        guard let first = keys.first else { throw PipeError(.invalidArgument, "no master key is configured") }
        var byID: [String: MasterKey] = [:]
        for key in keys {
            guard byID.updateValue(key, forKey: key.id) == nil else {
                throw PipeError(.invalidArgument, "master key id \(key.id) is configured twice")
            }
        }
        guard let active = activeID.map({ byID[$0] }) ?? first else {
            throw PipeError(.invalidArgument, "the active master key \(activeID ?? "") is not configured")
        }
        self.keys = byID
        self.active = active
    }

    /// The associated data binds a wrapped key to its master key id, so a wrapped key cannot be replayed as if
    /// another master key had made it.
    private static func context(_ id: String) -> [UInt8] { Array("pipe-data-key-v1:\(id)".utf8) }

    /// A new random 256-bit data key, and the same key wrapped by the active master key.
    func makeDataKey() throws(PipeError) -> (SymmetricKey, WrappedKey) {
        let dataKey = SymmetricKey(size: .bits256)
        return (dataKey, try wrap(dataKey, with: active))
    }

    func wrap(_ dataKey: SymmetricKey, with master: MasterKey) throws(PipeError) -> WrappedKey {
        do {
            let box = try dataKey.withUnsafeBytes { bytes in
                try AES.GCM.seal(bytes, using: master.key, authenticating: Self.context(master.id))
            }
            guard let combined = box.combined else { throw PipeError(.internalError, "AES-GCM gave no nonce") }
            return WrappedKey(masterKeyID: master.id, sealed: [UInt8](combined))
        } catch {
            throw PipeError(.internalError, "cannot wrap a data key: \(error)")
        }
    }

    func unwrap(_ wrapped: WrappedKey) throws(PipeError) -> SymmetricKey {
        guard let master = keys[wrapped.masterKeyID] else {
            throw PipeError(
                .unavailable, "master key \(wrapped.masterKeyID) is not configured; the object cannot be decrypted",
                details: ["masterKey": wrapped.masterKeyID])
        }
        do {
            let box = try AES.GCM.SealedBox(combined: wrapped.sealed)
            let bytes = try AES.GCM.open(box, using: master.key, authenticating: Self.context(master.id))
            return SymmetricKey(data: bytes)
        } catch {
            throw PipeError(.dataCorrupted, "a wrapped data key failed its integrity check")
        }
    }

    /// The same data key wrapped by the active master key instead.
    func rewrap(_ wrapped: WrappedKey) throws(PipeError) -> WrappedKey {
        try wrap(try unwrap(wrapped), with: active)
    }
}

package vn.datafloor.server.platform;

/**
 * Encrypts secrets the platform must keep (source passwords, API tokens of agencies' systems). A
 * port: the default keeps its key in a local keyset file; a deployment plugs in a KMS.
 *
 * @see LocalKeysetSecretBox
 */
public interface SecretBox {

    /** Ciphertext bound to {@code context} (e.g. "source:12"): it cannot be replayed for another object. */
    String seal(String secret, String context);

    String open(String ciphertext, String context);
}

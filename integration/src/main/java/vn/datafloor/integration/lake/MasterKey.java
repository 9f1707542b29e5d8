package vn.datafloor.integration.lake;

import com.google.crypto.tink.Aead;

/**
 * The key that wraps the lake's data keys: a port, so that a deployment can keep it in a KMS (Tink has
 * AEADs for the common ones) while one machine keeps it in a local keyset file ({@link LocalMasterKey}).
 */
public interface MasterKey {

    /**
     * The master key as it is now: it wraps with its primary key and unwraps with any key it still holds,
     * which is what lets it rotate while versions wrapped by an older key stay readable.
     */
    Aead aead();
}

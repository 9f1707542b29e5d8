package vn.datafloor.server.dsp;

import org.springframework.http.HttpStatus;

/**
 * A message the protocol refuses. The protocol answers with its own error messages (a
 * {@code ContractNegotiationError}, {@code TransferError} or {@code CatalogError} with a code and reasons)
 * rather than problem details, so a counterparty's connector can read them; the reason is English text
 * without secrets, personal data or the refused message's content.
 */
class DspException extends RuntimeException {

    private final HttpStatus status;
    private final transient String providerPid;
    private final transient String consumerPid;

    DspException(HttpStatus status, String reason, String providerPid, String consumerPid) {
        super(reason);
        this.status = status;
        this.providerPid = providerPid;
        this.consumerPid = consumerPid;
    }

    static DspException badRequest(String reason) {
        return new DspException(HttpStatus.BAD_REQUEST, reason, null, null);
    }

    static DspException notFound(String reason) {
        return new DspException(HttpStatus.NOT_FOUND, reason, null, null);
    }

    /** A message that the process's state does not allow now. */
    static DspException conflict(String reason, String providerPid, String consumerPid) {
        return new DspException(HttpStatus.CONFLICT, reason, providerPid, consumerPid);
    }

    HttpStatus status() {
        return status;
    }

    String providerPid() {
        return providerPid;
    }

    String consumerPid() {
        return consumerPid;
    }
}

package vn.datafloor.server.harvest;

/**
 * A harvest that could not read its source: the run fails and changes nothing. The message is shown
 * to the operator and kept with the run, so it names the problem and never echoes the source's
 * content or any secret.
 */
class HarvestException extends RuntimeException {

    HarvestException(String message) {
        super(message);
    }

    HarvestException(String message, Throwable cause) {
        super(message, cause);
    }
}

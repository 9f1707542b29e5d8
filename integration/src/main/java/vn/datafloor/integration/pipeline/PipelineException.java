package vn.datafloor.integration.pipeline;

/** The pipeline could not run as written; the message names the spec field and what to change. */
public class PipelineException extends RuntimeException {

    public PipelineException(String message) {
        super(message);
    }

    public PipelineException(String message, Throwable cause) {
        super(message, cause);
    }
}

package vn.datafloor.server.dsp;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import tools.jackson.databind.node.ObjectNode;
import vn.datafloor.server.platform.ProblemException;

/**
 * Failures on the protocol's endpoints answered as the protocol's error messages: {@code CatalogError},
 * {@code ContractNegotiationError} or {@code TransferError}, with the HTTP status, a code and the reason (the
 * protocol's connectors read these, not problem details). Reasons are English and carry no message content.
 * Sign-in and authorization refusals stay the platform's problem details, from its one decision point.
 */
@RestControllerAdvice(assignableTypes = DspProtocolController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class DspErrors {

    private static final Logger LOG = LoggerFactory.getLogger(DspErrors.class);

    @ExceptionHandler(DspException.class)
    ResponseEntity<byte[]> protocol(DspException e, HttpServletRequest request) {
        return error(request, e.status(), e.getMessage(), e.providerPid(), e.consumerPid());
    }

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<byte[]> problem(ProblemException e, HttpServletRequest request) {
        return error(request, e.status(), e.getMessage(), null, null);
    }

    private static ResponseEntity<byte[]> error(
            HttpServletRequest request, HttpStatus status, String reason, String providerPid, String consumerPid) {
        String path = request.getRequestURI();
        String type = path.contains("/dsp/catalog")
                ? "CatalogError"
                : path.contains("/dsp/transfers") ? "TransferError" : "ContractNegotiationError";
        LOG.debug("DSP {} answered {}: {}", type, status.value(), reason);
        ObjectNode body = DspJson.message(type);
        if (providerPid != null) {
            body.put("providerPid", providerPid);
        }
        if (consumerPid != null) {
            body.put("consumerPid", consumerPid);
        }
        body.put("code", Integer.toString(status.value()));
        body.putArray("reason").add(reason == null ? status.getReasonPhrase() : reason);
        return DspProtocolController.ok(status, body);
    }
}

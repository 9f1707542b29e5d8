package vn.datafloor.server.dsp;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.JsonNode;
import vn.datafloor.integration.connect.GuardedHttp;
import vn.datafloor.integration.connect.NetworkPolicy;
import vn.datafloor.integration.connect.OutboundUrls;
import vn.datafloor.integration.connect.SourceException;

/**
 * Messages to other connectors, through the platform's one outbound guard: the address a counterparty
 * gives (its callback address) is untrusted, so loopback, private and link-local addresses are refused
 * unless the operator allowed the host ({@code datafloor.dsp.network-allowances}), redirects are not
 * followed, and times and sizes are capped.
 *
 * <p>What a side does after a message (an offer, an agreement, a start) leaves once the transaction that
 * recorded it has committed and the answer is on its way, one message after another, {@code
 * datafloor.dsp.message-pause} apart: a counterparty then takes in each message before the next arrives,
 * as the protocol's asynchronous exchange expects.
 */
@Component
class DspMessenger {

    private static final Logger LOG = LoggerFactory.getLogger(DspMessenger.class);

    static final long MAX_ANSWER_BYTES = DspJson.MAX_BYTES;

    /** A counterparty's answer: its status and body. */
    record Answer(int status, byte[] body) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    /** One outbound step; it may fail, which is logged and does not stop the steps after it. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    private final GuardedHttp http;
    private final Duration pause;
    private final ScheduledExecutorService out;

    DspMessenger(
            @Value("${datafloor.dsp.network-allowances:}") List<String> allowances,
            @Value("${datafloor.dsp.message-pause:PT0.2S}") Duration pause,
            @Value("${datafloor.dsp.timeout:PT15S}") Duration timeout) {
        this.http = new GuardedHttp(new NetworkPolicy(allowances), timeout, MAX_ANSWER_BYTES);
        this.pause = pause;
        this.out = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "datafloor-dsp-out");
            thread.setDaemon(true);
            return thread;
        });
    }

    @PreDestroy
    void close() throws IOException {
        out.shutdownNow();
        http.close();
    }

    /** POSTs a message and returns the answer; refuses an address the guard does not allow. */
    Answer post(URI url, Map<String, String> headers, JsonNode message) {
        String problem = OutboundUrls.problem(url.toString());
        if (problem != null) {
            throw DspException.badRequest("The counterparty's address is not usable: " + problem);
        }
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Accept", "application/json");
        try {
            GuardedHttp.Response response = http.post(url, all, DspJson.bytes(message), "application/json");
            return new Answer(response.status(), response.body());
        } catch (SourceException e) {
            throw DspException.badRequest(e.getMessage());
        } catch (IOException e) {
            throw new DspException(
                    org.springframework.http.HttpStatus.BAD_GATEWAY,
                    "The counterparty could not be reached at " + url.getHost(),
                    null,
                    null);
        }
    }

    /** GETs a counterparty's resource (a dataset, a process) as JSON. */
    Answer get(URI url, Map<String, String> headers) {
        String problem = OutboundUrls.problem(url.toString());
        if (problem != null) {
            throw DspException.badRequest("The counterparty's address is not usable: " + problem);
        }
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Accept", "application/json");
        try {
            GuardedHttp.Response response = http.get(url, all);
            return new Answer(response.status(), response.body());
        } catch (SourceException e) {
            throw DspException.badRequest(e.getMessage());
        } catch (IOException e) {
            throw new DspException(
                    org.springframework.http.HttpStatus.BAD_GATEWAY,
                    "The counterparty could not be reached at " + url.getHost(),
                    null,
                    null);
        }
    }

    /** Runs the steps in order, the first once the current transaction commits, each a pause after the last. */
    void afterCommit(List<Step> steps) {
        if (steps.isEmpty()) {
            return;
        }
        Deque<Step> queue = new ArrayDeque<>(steps);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    schedule(queue);
                }
            });
        } else {
            schedule(queue);
        }
    }

    /** Runs the steps in order now, outside any transaction (a listener of a commit that has happened). */
    void soon(List<Step> steps) {
        schedule(new ArrayDeque<>(steps));
    }

    private void schedule(Deque<Step> queue) {
        Step step = queue.poll();
        if (step == null) {
            return;
        }
        out.schedule(
                () -> {
                    try {
                        step.run();
                    } catch (Exception e) {
                        // The reason only: messages and tokens never reach the log.
                        LOG.warn("A Dataspace Protocol step failed: {}", e.getMessage());
                    }
                    schedule(queue);
                },
                pause.toMillis(),
                TimeUnit.MILLISECONDS);
    }
}

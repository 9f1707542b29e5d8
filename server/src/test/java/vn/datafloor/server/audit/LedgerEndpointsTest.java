package vn.datafloor.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.ledger.Checkpoint;
import vn.datafloor.ledger.MerkleProofs;
import vn.datafloor.ledger.NoteVerifier;
import vn.datafloor.server.PlatformTest;

/** What an outside verifier does with nothing but the public HTTP endpoints. */
class LedgerEndpointsTest extends PlatformTest {

    @Autowired
    JsonMapper json;

    @Autowired
    AuditLog audit;

    @Autowired
    LedgerService ledger;

    private String text(String url) throws Exception {
        MvcResult result = mvc.perform(get(url)).andReturn();
        assertThat(result.getResponse().getStatus()).as(url).isEqualTo(200);
        return result.getResponse().getContentAsString(StandardCharsets.UTF_8);
    }

    private byte[] bytes(String url) throws Exception {
        return mvc.perform(get(url)).andReturn().getResponse().getContentAsByteArray();
    }

    @SuppressWarnings("unchecked")
    private List<byte[]> hashes(String url) throws Exception {
        Map<String, Object> body = json.readValue(text(url), Map.class);
        return ((List<String>) body.get("hashes"))
                .stream().map(Base64.getDecoder()::decode).toList();
    }

    @Test
    void anEntryIsProvablyInTheSignedCheckpointUsingOnlyPublicEndpoints() throws Exception {
        audit.record(new AuditEvent(
                EventType.LOGIN_FAILED, null, null, null, AuditEvent.Outcome.FAILURE, "10.0.0.7", "probe", Map.of()));
        ledger.publishCheckpoint();
        String vkey = text("/ledger/public-key").strip();
        String note = text("/ledger/checkpoint");
        assertThat(NoteVerifier.fromVerifierKey(vkey).verify(note)).isTrue();
        Checkpoint checkpoint = Checkpoint.parse(note);
        long index = checkpoint.size() - 1;
        byte[] entry = bytes("/ledger/entries/" + index);
        List<byte[]> proof = hashes("/ledger/proof/inclusion?index=" + index + "&size=" + checkpoint.size());
        assertThat(MerkleProofs.verifyInclusion(
                        index, checkpoint.size(), MerkleProofs.leafHash(entry), proof, checkpoint.rootHash()))
                .isTrue();
        // A different entry does not verify with that proof.
        byte[] other = bytes("/ledger/entries/0");
        assertThat(MerkleProofs.verifyInclusion(
                        index, checkpoint.size(), MerkleProofs.leafHash(other), proof, checkpoint.rootHash()))
                .isFalse();
    }

    @Test
    void laterCheckpointsAreProvablyConsistentWithEarlierOnes() throws Exception {
        Checkpoint first = Checkpoint.parse(ledger.publishCheckpoint().note());
        for (int i = 0; i < 3; i++) {
            audit.record(new AuditEvent(
                    EventType.LOGIN_FAILED, null, null, null, AuditEvent.Outcome.FAILURE, null, "more", Map.of()));
        }
        Checkpoint second = Checkpoint.parse(text("/ledger/checkpoint"));
        if (second.size() == first.size()) {
            second = Checkpoint.parse(ledger.publishCheckpoint().note());
        }
        assertThat(second.size()).isGreaterThan(first.size());
        List<byte[]> proof = hashes("/ledger/proof/consistency?from=" + first.size() + "&to=" + second.size());
        assertThat(MerkleProofs.verifyConsistency(
                        first.size(), second.size(), proof, first.rootHash(), second.rootHash()))
                .isTrue();
    }

    @Test
    void outOfRangeRequestsGetProblemDetails() throws Exception {
        for (String url : List.of(
                "/ledger/proof/inclusion?index=5&size=2",
                "/ledger/proof/inclusion?index=0&size=999999999",
                "/ledger/proof/consistency?from=9&to=2",
                "/ledger/proof/inclusion?index=abc&size=2")) {
            MvcResult result = mvc.perform(get(url)).andReturn();
            assertThat(result.getResponse().getStatus()).as(url).isEqualTo(400);
            assertThat(result.getResponse().getContentType()).startsWith("application/problem+json");
            assertThat(result.getResponse().getContentAsString()).doesNotContain("Exception", "\tat ");
        }
        MvcResult missing = mvc.perform(get("/ledger/entries/999999999")).andReturn();
        assertThat(missing.getResponse().getStatus()).isEqualTo(404);
    }

    @Test
    void personalDetailsGoOnTheLedgerOnlyAsCommitmentsThatAuditorsCanOpenAndErasureCanDelete() throws Exception {
        long index = audit.record(new AuditEvent(
                EventType.LOGIN_SUCCEEDED,
                1L,
                "nguyen.van.a",
                null,
                AuditEvent.Outcome.SUCCESS,
                "203.0.113.9",
                "login",
                Map.of()));
        String entry = new String(ledger.entry(index), StandardCharsets.UTF_8);
        assertThat(entry).doesNotContain("nguyen.van.a", "203.0.113.9").contains("sha256:");
        var session = login("kiemtoan");
        String detail = mvc.perform(get("/api/audit/events/" + index).session(session))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        assertThat(detail).contains("nguyen.van.a", "203.0.113.9");
        // Each commitment recomputes from its salt and value.
        @SuppressWarnings("unchecked")
        List<Map<String, String>> opened =
                (List<Map<String, String>>) json.readValue(detail, Map.class).get("commitments");
        assertThat(opened)
                .hasSize(2)
                .allSatisfy(c -> assertThat(entry).contains(AuditLog.commitment(c.get("salt"), c.get("clearValue"))));
    }
}

package vn.datafloor.server.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.PlatformTest;

/**
 * Every delivery is decided on the same facts the order was: terms that name the buyer's kind of
 * organisation (the demo's free sample, for research institutes only, consumer goods only) deliver to
 * that buyer, and only the rows the terms keep.
 */
class TermsAtDeliveryTest extends PlatformTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JsonMapper json;

    @Test
    void termsNamingTheBuyersKindOfOrganisationDeliverToThatBuyerOnlyTheRowsTheyKeep() throws Exception {
        long agreement = jdbc.sql("select c.id from exchange_contract c join exchange_offer o on o.id = c.offer_id "
                        + "where o.title = 'Bản mẫu miễn phí cho viện nghiên cứu' and c.state = 'FINALIZED' "
                        + "order by c.id fetch first 1 rows only")
                .query(Long.class)
                .single();
        MockHttpServletResponse answer = mvc.perform(get("/api/access/" + agreement + "/rows?limit=200")
                        .accept("application/json")
                        .session(login("vien.phantich")))
                .andReturn()
                .getResponse();
        assertThat(answer.getStatus())
                .as(answer.getContentAsString(StandardCharsets.UTF_8))
                .isEqualTo(200);
        JsonNode rows =
                json.readTree(answer.getContentAsString(StandardCharsets.UTF_8)).get("rows");
        assertThat(rows.size()).isPositive();
        for (JsonNode row : rows) {
            assertThat(row.get("category").asString()).isEqualTo("Hàng tiêu dùng");
        }
        // The agreement's page opens for the buyer too.
        assertThat(mvc.perform(get("/access/" + agreement).session(login("vien.phantich")))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(200);
    }
}

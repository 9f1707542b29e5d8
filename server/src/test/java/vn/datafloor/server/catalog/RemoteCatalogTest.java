package vn.datafloor.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the catalog keeps of a harvested record, and how it names harvested licences. */
class RemoteCatalogTest {

    private static RemoteCatalog.RemoteRecord record(String landing, String title) {
        return new RemoteCatalog.RemoteRecord(
                "id", "DATASET", title, "d", "p", "cc-by", landing, List.of("k"), Instant.EPOCH, null, null, null);
    }

    @Test
    void keepsOnlyWebAddressesAsTheLinkBack() {
        assertThat(record("https://data.example.vn/dataset/a", "t").landingUrl())
                .isEqualTo("https://data.example.vn/dataset/a");
        assertThat(record("javascript:alert(1)", "t").landingUrl()).isNull();
        assertThat(record("data:text/html,<script>x</script>", "t").landingUrl())
                .isNull();
        assertThat(record("https://x.example.vn/\"onmouseover=x", "t").landingUrl())
                .isNull();
    }

    @Test
    void aChangeOfAnythingShownChangesTheHash() {
        assertThat(record("https://a.example.vn", "t").contentHash())
                .isEqualTo(record("https://a.example.vn", "t").contentHash())
                .isNotEqualTo(record("https://a.example.vn", "t2").contentHash())
                .isNotEqualTo(record("https://b.example.vn", "t").contentHash());
    }

    @Test
    void namesKnownLicencesByTheirCode() {
        assertThat(RemoteCatalog.licenceCode("cc-by")).isEqualTo("cc-by-4.0");
        assertThat(RemoteCatalog.licenceCode("https://creativecommons.org/licenses/by/4.0/"))
                .isEqualTo("cc-by-4.0");
        assertThat(RemoteCatalog.licenceCode("http://opendatacommons.org/licenses/odbl/1-0/"))
                .isEqualTo("odbl-1.0");
        assertThat(RemoteCatalog.licenceCode("https://creativecommons.org/publicdomain/zero/1.0"))
                .isEqualTo("cc0-1.0");
        assertThat(RemoteCatalog.licenceCode("Giấy phép riêng của tỉnh")).isEqualTo("Giấy phép riêng của tỉnh");
        assertThat(RemoteCatalog.licenceCode(null)).isEqualTo("unknown");
    }
}

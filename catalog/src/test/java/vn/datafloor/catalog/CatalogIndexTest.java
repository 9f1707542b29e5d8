package vn.datafloor.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.text.Normalizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vn.datafloor.catalog.CatalogQuery.Sort;

class CatalogIndexTest {

    private final CatalogIndex index = CatalogIndex.inMemory();

    @AfterEach
    void close() {
        index.close();
    }

    // ---- builders -------------------------------------------------------------------------------

    /** A document with neutral values; tests override what they look at. */
    private static final class Doc {
        String id;
        String title = "";
        String titleEn = null;
        String description = "";
        String descriptionEn = null;
        String publisher = "Cục Thống kê";
        List<String> themes = List.of("population");
        List<String> keywords = List.of();
        List<String> columns = List.of();
        String importance = "other";
        String sharing = "open";
        boolean personal = false;
        List<String> formats = List.of("CSV");
        String licence = "CC-BY-4.0";
        String priceType = null;
        Instant modified = Instant.parse("2024-01-01T00:00:00Z");
        double quality = 50;
        Set<String> audiences = Set.of(CatalogQuery.PUBLIC);
        Instant created = null;
        String alternateId = null;
        String publisherId = null;

        Doc(String id) {
            this.id = id;
        }

        CatalogDocument build() {
            return new CatalogDocument(
                    id,
                    title,
                    titleEn,
                    description,
                    descriptionEn,
                    publisher,
                    themes,
                    keywords,
                    columns,
                    importance,
                    sharing,
                    personal,
                    formats,
                    licence,
                    priceType,
                    modified,
                    quality,
                    audiences,
                    created,
                    alternateId,
                    publisherId);
        }
    }

    private static Doc doc(String id, String title) {
        Doc d = new Doc(id);
        d.title = title;
        return d;
    }

    private static CatalogQuery text(String text) {
        return new CatalogQuery(text, null, Sort.RELEVANCE, 0, 100, null);
    }

    private static CatalogQuery filtered(Map<String, List<String>> filters) {
        return new CatalogQuery(null, filters, Sort.RELEVANCE, 0, 100, null);
    }

    private List<String> ids(CatalogQuery q) {
        return index.search(q).hits().stream().map(SearchResult.Hit::id).toList();
    }

    private List<String> ids(String text) {
        return ids(text(text));
    }

    private static Map<String, Long> counts(SearchResult r, String facet) {
        Map<String, Long> m = new HashMap<>();
        r.facets().get(facet).forEach(fc -> m.put(fc.value(), fc.count()));
        return m;
    }

    // ---- text, folding, ranking -----------------------------------------------------------------

    @Test
    void vietnameseIsFoundWithoutDiacriticsAndInAnyCase() {
        index.put(doc("dancu", "Dân cư theo xã phường").build());
        index.put(doc("giadat", "Giá đất Hà Nội").build());

        for (String q : List.of("dan cu", "DAN CU", "Dân cư", "DÂN CƯ", "dân CU", "xa phuong")) {
            assertThat(ids(q)).as(q).containsExactly("dancu");
        }
        assertThat(ids("gia dat ha noi")).containsExactly("giadat");
        assertThat(ids("dân đất")).as("every word must match").isEmpty();
    }

    @Test
    void dStrokeEthAndDecomposedTextAllFoldAlike() {
        index.put(doc("nfc", "Đất đai").build());
        index.put(doc("eth", "\u00D0\u1EA5t \u00F0ai quy hoạch").build()); // Ð, ð typed for Đ, đ
        index.put(doc("nfd", Normalizer.normalize("Đất đai nông nghiệp", Normalizer.Form.NFD))
                .build());

        for (String q : List.of(
                "đất đai",
                "dat dai",
                "DAT DAI",
                "ĐẤT ĐAI",
                "\u00D0ất đai",
                Normalizer.normalize("đất đai", Normalizer.Form.NFD))) {
            assertThat(ids(q)).as(q).containsExactlyInAnyOrder("nfc", "eth", "nfd");
        }
        assertThat(ids("nông nghiệp")).containsExactly("nfd");
        assertThat(ids("nong nghiep")).containsExactly("nfd");
        assertThat(ids(Normalizer.normalize("quy hoạch", Normalizer.Form.NFD))).containsExactly("eth");
    }

    @Test
    void decomposedAndEthSpellingsCountAsExactDiacritics() {
        // The same title in three encodings must score alike; text typed without diacritics scores below.
        index.put(doc("nfc", "Đất đai").build());
        index.put(doc("eth", "\u00D0ất \u00F0ai").build());
        index.put(
                doc("nfd", Normalizer.normalize("Đất đai", Normalizer.Form.NFD)).build());
        index.put(doc("plain", "Dat dai").build());

        for (String q : List.of("đất đai", Normalizer.normalize("đất đai", Normalizer.Form.NFD), "\u00D0ất \u00F0ai")) {
            List<SearchResult.Hit> hits = index.search(text(q)).hits();
            assertThat(hits).extracting(SearchResult.Hit::id).as(q).containsExactly("eth", "nfc", "nfd", "plain");
            assertThat(hits.subList(0, 3))
                    .extracting(SearchResult.Hit::score)
                    .as(q)
                    .containsOnly(hits.get(0).score());
            assertThat(hits.get(3).score()).as(q).isLessThan(hits.get(0).score());
        }
    }

    @Test
    void searchesEveryTextFieldIncludingEnglish() {
        Doc a = doc("a", "Dân cư");
        a.descriptionEn = "Population register extract by commune";
        index.put(a.build());
        Doc b = doc("b", "Doanh nghiệp");
        b.titleEn = "Enterprise registrations";
        b.description = "Số liệu đăng ký doanh nghiệp mới";
        b.keywords = List.of("kinh tế tư nhân");
        b.columns = List.of("ma_so_thue", "ngày thành lập");
        b.publisher = "Sở Kế hoạch và Đầu tư Bắc Ninh";
        index.put(b.build());

        assertThat(ids("population register")).containsExactly("a");
        assertThat(ids("enterprise registrations")).containsExactly("b");
        assertThat(ids("dang ky moi")).containsExactly("b");
        assertThat(ids("kinh te tu nhan")).containsExactly("b");
        assertThat(ids("ngay thanh lap")).containsExactly("b");
        assertThat(ids("ke hoach bac ninh")).containsExactly("b");
        assertThat(ids("register enterprise")).isEmpty();
    }

    @Test
    void exactDiacriticsRankAboveFoldedMatches() {
        // Inserted in both orders so index order cannot explain the ranking.
        index.put(doc("benh-hat", "Danh sách bênh").build());
        index.put(doc("benh-nang", "Danh sách bệnh").build());
        index.put(doc("benh-plain", "Danh sách benh").build());

        assertThat(ids("bệnh"))
                .containsExactly("benh-nang", "benh-hat", "benh-plain")
                .first()
                .isEqualTo("benh-nang");
        assertThat(ids("bênh")).first().isEqualTo("benh-hat");
        List<SearchResult.Hit> hits = index.search(text("bệnh")).hits();
        assertThat(hits.get(0).score()).isGreaterThan(hits.get(1).score());
        // Typed without diacritics: no text is preferred for lacking them too.
        List<SearchResult.Hit> plain = index.search(text("benh")).hits();
        assertThat(plain)
                .extracting(SearchResult.Hit::score)
                .containsOnly(plain.get(0).score());
    }

    @Test
    void titleMatchesRankAboveDescriptionOnlyMatches() {
        Doc inDescription = doc("desc", "Thống kê y tế");
        inDescription.description = "Số giường bệnh viện theo tỉnh";
        inDescription.modified = Instant.parse("2025-06-01T00:00:00Z"); // newer: would win a tie
        index.put(inDescription.build());
        Doc inTitle = doc("title", "Bệnh viện tuyến tỉnh và các cơ sở y tế khác trong cả nước năm 2024");
        inTitle.description = "Danh mục";
        index.put(inTitle.build());

        assertThat(ids("benh vien")).containsExactly("title", "desc");
    }

    @Test
    void hostileQueriesNeverThrow() {
        index.put(doc("a", "Dân cư").build());
        index.put(doc("b", "Giá đất and or not").build());
        List<String> hostile = new ArrayList<>(List.of(
                "\"title:(x OR",
                "*",
                "?",
                "\\",
                "AND OR NOT",
                "\"dân cư",
                "dân\" cư\"",
                "title:dân",
                "(((",
                ")",
                "+-!~^",
                "[a TO z]",
                "{}",
                "/regex/",
                "a~2",
                "dân*",
                "&& ||",
                "\u0000\u001f",
                "\uD800",
                "\u0301\u0301",
                "%",
                "'; DROP TABLE",
                "<script>"));
        hostile.add("dân cư ".repeat(1400)); // 8,400 characters of real words
        hostile.add("x".repeat(10_000)); // one 10,000-character "word"
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 1800; i++) { // 9,690 characters, under the 10,000 limit
            many.append("w").append(i).append(' ');
        }
        hostile.add(many.toString()); // thousands of distinct words

        for (String q : hostile) {
            for (Sort sort : Sort.values()) {
                assertThatCode(() -> index.search(new CatalogQuery(q, null, sort, 0, 10, Set.of("public"))))
                        .as("query %.40s sort %s", q, sort)
                        .doesNotThrowAnyException();
            }
        }
        assertThat(ids("\"dân (cư* OR")).isEmpty(); // "or" is a word: every word must match
        assertThat(ids("\"dân (cư*")).containsExactly("a"); // syntax is just punctuation
        assertThat(ids("dân cư ".repeat(1400))).containsExactly("a");
        // Past the limit the text is refused before it is analysed, with a message a page can show.
        assertThatThrownBy(
                        () -> new CatalogQuery("dân cư ".repeat(1700), null, Sort.RELEVANCE, 0, 10, Set.of("public")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("longer than 10000");
        assertThat(ids("AND OR NOT")).containsExactly("b"); // words, not operators
    }

    @Test
    void emptyBlankOrNullTextMatchesEverything() {
        for (int i = 0; i < 5; i++) {
            index.put(doc("d" + i, "Dataset " + i).build());
        }
        for (String q : new String[] {null, "", "   ", "\t\n", "*", "?"}) {
            SearchResult r = index.search(text(q));
            assertThat(r.total()).as("[%s]", q).isEqualTo(5);
            assertThat(r.hits()).hasSize(5);
        }
    }

    // ---- filters and facets ---------------------------------------------------------------------

    private void indexFacetFixture() {
        Doc a = doc("a", "Dân cư Hà Nội");
        a.themes = List.of("population", "health");
        a.formats = List.of("CSV", "Parquet");
        a.importance = "core";
        a.personal = true;
        a.priceType = "paid";
        a.keywords = List.of("dân số", "hộ khẩu");
        index.put(a.build());
        Doc b = doc("b", "Dân cư Huế");
        b.themes = List.of("population");
        b.formats = List.of("CSV");
        b.sharing = "shared";
        b.publisher = "UBND Huế";
        b.keywords = List.of("dân số");
        index.put(b.build());
        Doc c = doc("c", "Giá đất Huế");
        c.themes = List.of("land");
        c.formats = List.of("JSON");
        c.publisher = "UBND Huế";
        c.priceType = "free";
        index.put(c.build());
    }

    @Test
    void filterValuesAreOredWithinAFacetAndAndedAcrossFacets() {
        indexFacetFixture();
        assertThat(ids(filtered(Map.of("theme", List.of("land", "health"))))).containsExactlyInAnyOrder("a", "c");
        assertThat(ids(filtered(Map.of("theme", List.of("population"), "publisher", List.of("UBND Huế")))))
                .containsExactly("b");
        assertThat(ids(filtered(Map.of("format", List.of("Parquet", "JSON"), "sharing", List.of("open")))))
                .containsExactlyInAnyOrder("a", "c");
        assertThat(ids(filtered(Map.of("personal", List.of("yes"))))).containsExactly("a");
        assertThat(ids(filtered(Map.of("personal", List.of("no"))))).containsExactlyInAnyOrder("b", "c");
        assertThat(ids(filtered(Map.of("price", List.of("paid", "free"))))).containsExactlyInAnyOrder("a", "c");
        assertThat(ids(filtered(Map.of("keyword", List.of("dân số"))))).containsExactlyInAnyOrder("a", "b");
        assertThat(ids(filtered(Map.of("importance", List.of("core"), "licence", List.of("CC-BY-4.0")))))
                .containsExactly("a");
        assertThat(ids(filtered(Map.of("theme", List.of("energy"))))).isEmpty();
        // Filter values are normalised like the indexed ones.
        assertThat(ids(filtered(Map.of("publisher", List.of(Normalizer.normalize("UBND Huế", Normalizer.Form.NFD))))))
                .containsExactlyInAnyOrder("b", "c");
        // Text and filters together.
        assertThat(ids(new CatalogQuery("hue", Map.of("theme", List.of("land")), Sort.RELEVANCE, 0, 10, null)))
                .containsExactly("c");
    }

    @Test
    void unknownFacetInFiltersIsRejectedWithItsName() {
        indexFacetFixture();
        assertThatThrownBy(() -> index.search(filtered(Map.of("colour", List.of("red")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("colour")
                .hasMessageContaining("publisher, theme");
    }

    @Test
    void facetCountsCoverAllMatchesNotJustThePage() {
        indexFacetFixture();
        SearchResult all = index.search(new CatalogQuery(null, null, Sort.RELEVANCE, 0, 1, null));
        assertThat(all.total()).isEqualTo(3);
        assertThat(all.hits()).hasSize(1);
        assertThat(all.facets().keySet()).containsExactlyElementsOf(CatalogQuery.FACETS);
        assertThat(all.facets().get("theme"))
                .containsExactly(
                        new SearchResult.FacetCount("population", 2),
                        new SearchResult.FacetCount("health", 1),
                        new SearchResult.FacetCount("land", 1));
        assertThat(all.facets().get("format"))
                .containsExactly(
                        new SearchResult.FacetCount("CSV", 2),
                        new SearchResult.FacetCount("JSON", 1),
                        new SearchResult.FacetCount("Parquet", 1));
        assertThat(counts(all, "personal")).isEqualTo(Map.of("no", 2L, "yes", 1L));
        assertThat(counts(all, "price"))
                .as("a document without a price type has no price value")
                .isEqualTo(Map.of("paid", 1L, "free", 1L));
        assertThat(counts(all, "keyword")).isEqualTo(Map.of("dân số", 2L, "hộ khẩu", 1L));

        SearchResult hue = index.search(text("hue"));
        assertThat(counts(hue, "publisher")).isEqualTo(Map.of("UBND Huế", 2L));
        assertThat(counts(hue, "importance")).isEqualTo(Map.of("other", 2L));
        assertThat(hue.facets().get("price")).containsExactly(new SearchResult.FacetCount("free", 1));

        SearchResult filtered = index.search(filtered(Map.of("theme", List.of("population"))));
        assertThat(counts(filtered, "theme")).isEqualTo(Map.of("population", 2L, "health", 1L));

        SearchResult none = index.search(text("không có gì"));
        assertThat(none.total()).isZero();
        assertThat(none.facets())
                .hasSize(CatalogQuery.FACETS.size())
                .allSatisfy((k, v) -> assertThat(v).isEmpty());
    }

    @Test
    void atMostFiftyValuesPerFacetMostFrequentFirstThenByValue() {
        List<CatalogDocument> docs = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Doc d = doc("d" + i, "Bộ dữ liệu " + i);
            d.keywords = List.of(String.format("k%02d", i), "common");
            d.publisher = i < 10 ? "Big" : "Small " + (char) ('a' + i % 3);
            docs.add(d.build());
        }
        index.putAll(docs);
        SearchResult r = index.search(text(null));
        List<SearchResult.FacetCount> keywords = r.facets().get("keyword");
        assertThat(keywords).hasSize(50);
        assertThat(keywords.get(0)).isEqualTo(new SearchResult.FacetCount("common", 60));
        assertThat(keywords.subList(1, 50))
                .extracting(SearchResult.FacetCount::value)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 49)
                        .mapToObj(i -> String.format("k%02d", i))
                        .toList());
        assertThat(r.facets().get("publisher"))
                .extracting(SearchResult.FacetCount::value)
                .containsExactly("Small b", "Small c", "Small a", "Big"); // 17, 17, 16, 10
        assertThat(r.facets().get("publisher"))
                .extracting(SearchResult.FacetCount::count)
                .containsExactly(17L, 17L, 16L, 10L);
    }

    // ---- audiences ------------------------------------------------------------------------------

    @Test
    void documentsAreVisibleOnlyToTheirAudiences() {
        Doc pub = doc("pub", "Dân cư công khai");
        index.put(pub.build());
        Doc org7 = doc("org7", "Dân cư nội bộ");
        org7.audiences = Set.of("org:7");
        org7.themes = List.of("justice");
        org7.publisher = "Bộ Công an";
        index.put(org7.build());
        Doc both = doc("both", "Dân cư chia sẻ");
        both.audiences = Set.of("org:8", "org:7");
        index.put(both.build());

        CatalogQuery asOrg8 = new CatalogQuery("dan cu", null, Sort.RELEVANCE, 0, 10, Set.of("public", "org:8"));
        SearchResult r = index.search(asOrg8);
        assertThat(r.hits()).extracting(SearchResult.Hit::id).containsExactlyInAnyOrder("pub", "both");
        assertThat(r.total()).isEqualTo(2);
        assertThat(counts(r, "theme")).isEqualTo(Map.of("population", 2L));
        assertThat(counts(r, "publisher")).doesNotContainKey("Bộ Công an");

        SearchResult byFilter = index.search(new CatalogQuery(
                null, Map.of("theme", List.of("justice")), Sort.RELEVANCE, 0, 10, Set.of("public", "org:8")));
        assertThat(byFilter.total()).isZero();

        assertThat(ids(new CatalogQuery("dan cu", null, Sort.RELEVANCE, 0, 10, Set.of("org:7"))))
                .containsExactlyInAnyOrder("org7", "both");
        assertThat(ids(new CatalogQuery("dan cu", null, Sort.RELEVANCE, 0, 10, null)))
                .hasSize(3);
        SearchResult nobody = index.search(new CatalogQuery(null, null, Sort.RELEVANCE, 0, 10, Set.of()));
        assertThat(nobody.total()).isZero();
        assertThat(nobody.facets().get("theme")).isEmpty();
    }

    // ---- sorting and paging ---------------------------------------------------------------------

    @Test
    void sortsByRecencyQualityAndFoldedTitle() {
        Doc a = doc("a", "hà Nội");
        a.modified = Instant.parse("2023-01-01T00:00:00Z");
        a.quality = Double.NaN;
        Doc b = doc("b", "Đà Nẵng");
        b.modified = Instant.parse("2025-01-01T00:00:00Z");
        b.quality = 70;
        Doc c = doc("c", "Cà Mau");
        c.modified = Instant.parse("2024-01-01T00:00:00Z");
        c.quality = 95.5;
        Doc d = doc("d", "an Giang");
        d.modified = null;
        d.quality = 10;
        Doc e = doc("e", "Điện Biên");
        e.modified = Instant.parse("2022-01-01T00:00:00Z");
        e.quality = Double.NaN;
        index.putAll(List.of(a.build(), b.build(), c.build(), d.build(), e.build()));

        assertThat(ids(new CatalogQuery(null, null, Sort.RECENT, 0, 10, null)))
                .containsExactly("b", "c", "a", "e", "d");
        assertThat(ids(new CatalogQuery(null, null, Sort.QUALITY, 0, 10, null)))
                .containsExactly("c", "b", "d", "a", "e");
        assertThat(ids(new CatalogQuery(null, null, Sort.TITLE, 0, 10, null))).containsExactly("d", "c", "b", "e", "a");
        // Relevance with equal scores falls back to the newest first.
        assertThat(ids(new CatalogQuery(null, null, Sort.RELEVANCE, 0, 10, null)))
                .containsExactly("b", "c", "a", "e", "d");
    }

    @Test
    void pagesAreClampedAndDeepPagesAreEmptyWithTheRightTotal() {
        List<CatalogDocument> docs = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            Doc d = doc(String.format("d%04d", i), "Bộ dữ liệu số " + i);
            d.modified = Instant.parse("2024-01-01T00:00:00Z").plusSeconds(i);
            docs.add(d.build());
        }
        index.putAll(docs);

        SearchResult page2 = index.search(new CatalogQuery("du lieu", null, Sort.RECENT, 10, 10, null));
        assertThat(page2.total()).isEqualTo(1_200);
        assertThat(page2.hits())
                .extracting(SearchResult.Hit::id)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 10)
                        .mapToObj(i -> String.format("d%04d", 1189 - i))
                        .toList());

        assertThat(index.search(new CatalogQuery(null, null, Sort.TITLE, 0, 5_000, null))
                        .hits())
                .hasSize(1_000);
        assertThat(index.search(new CatalogQuery(null, null, Sort.TITLE, 0, -3, null))
                        .hits())
                .isEmpty();
        SearchResult tooDeep = index.search(new CatalogQuery(null, null, Sort.RELEVANCE, 100_001, 10, null));
        assertThat(tooDeep.hits()).isEmpty();
        assertThat(tooDeep.total()).isEqualTo(1_200);
        assertThat(counts(tooDeep, "theme")).isEqualTo(Map.of("population", 1_200L));
        SearchResult beyond = index.search(new CatalogQuery(null, null, Sort.RELEVANCE, 1_195, 10, null));
        assertThat(beyond.hits()).hasSize(5);
        assertThat(index.search(new CatalogQuery(null, null, Sort.RELEVANCE, -5, 3, null))
                        .hits())
                .hasSize(3);
        SearchResult countOnly = index.search(new CatalogQuery("so 7", null, Sort.RELEVANCE, 0, 0, null));
        assertThat(countOnly.hits()).isEmpty();
        assertThat(countOnly.total()).isEqualTo(1);

        // Paging through equal keys neither repeats nor skips documents.
        List<String> seen = new ArrayList<>();
        for (int offset = 0; offset < 1_200; offset += 100) {
            seen.addAll(ids(new CatalogQuery(null, null, Sort.QUALITY, offset, 100, null)));
        }
        assertThat(seen).doesNotHaveDuplicates().hasSize(1_200);
    }

    // ---- writes ---------------------------------------------------------------------------------

    @Test
    void putReplacesByIdRemoveAndReplaceAllAreVisibleAtOnce() {
        assertThat(index.size()).isZero();
        assertThat(index.search(text("x")).total()).isZero();
        index.put(doc("a", "Dân cư").build());
        index.put(doc("b", "Giá đất").build());
        assertThat(index.size()).isEqualTo(2);

        index.put(doc("a", "Chất lượng không khí").build());
        assertThat(index.size()).isEqualTo(2);
        assertThat(ids("dan cu")).isEmpty();
        assertThat(ids("khong khi")).containsExactly("a");

        index.remove("b");
        index.remove("missing");
        assertThat(index.size()).isEqualTo(1);
        assertThat(ids("gia dat")).isEmpty();

        index.replaceAll(List.of(
                doc("x", "Đăng ký doanh nghiệp").build(),
                doc("y", "Giá đất").build(),
                doc("x", "Đăng ký doanh nghiệp 2025").build()));
        assertThat(index.size()).isEqualTo(2);
        assertThat(ids("khong khi")).isEmpty();
        assertThat(ids("doanh nghiep 2025")).containsExactly("x");
        assertThat(index.search(text(null)).facets().get("theme"))
                .containsExactly(new SearchResult.FacetCount("population", 2));

        index.replaceAll(List.of());
        assertThat(index.size()).isZero();
        assertThat(index.search(text(null)).facets().get("theme")).isEmpty();
        index.putAll(List.of(doc("z", "Z").build()));
        assertThat(ids(text(null))).containsExactly("z");
    }

    @Test
    void oddDocumentsIndexWithoutError() {
        Doc d = new Doc("odd");
        d.title = null;
        d.titleEn = "   ";
        d.description = null;
        d.publisher = null;
        d.importance = "";
        d.sharing = null;
        d.licence = "x\u001fy\u0000z";
        d.keywords = List.of("k".repeat(40_000), "", "  ", "tab\tbed");
        d.columns = List.of("c".repeat(40_000));
        d.modified = null;
        d.quality = Double.NaN;
        d.themes = List.of();
        d.formats = List.of();
        d.audiences = Set.of();
        index.put(d.build());
        Doc tooLongTitle = doc("long", "Dân cư ".repeat(20_000));
        index.put(tooLongTitle.build());

        assertThat(index.size()).isEqualTo(2);
        SearchResult r = index.search(new CatalogQuery(null, null, Sort.TITLE, 0, 10, null));
        assertThat(r.hits()).extracting(SearchResult.Hit::id).containsExactly("long", "odd");
        assertThat(counts(r, "licence")).containsKey("x y z");
        assertThat(ids(filtered(Map.of("licence", List.of("x\u001fy\u0000z"))))).containsExactly("odd");
        assertThat(ids(filtered(Map.of("keyword", List.of("tab\tbed"))))).containsExactly("odd");
        assertThatThrownBy(() -> index.put(new Doc(" ").build())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentSearchesDuringWritesSeeConsistentSnapshots() throws Exception {
        List<CatalogDocument> first = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            first.add(doc("d" + i, "Dân cư " + i).build());
        }
        index.putAll(first);
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                readers.add(pool.submit(() -> {
                    while (!stop.get()) {
                        SearchResult r = index.search(text("dan cu"));
                        // replaceAll swaps 500 documents for 500 others: never a mix, never a gap.
                        assertThat(r.total()).isIn(500L, 501L);
                        assertThat(counts(r, "theme").values())
                                .allSatisfy(c -> assertThat(c).isEqualTo(r.total()));
                    }
                    return null;
                }));
            }
            for (int round = 0; round < 20; round++) {
                index.replaceAll(first);
                index.put(doc("extra", "Dân cư thêm").build());
                index.remove("extra");
            }
            stop.set(true);
            for (Future<?> f : readers) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        assertThat(index.size()).isEqualTo(500);
    }

    @Test
    void closedIndexRefusesWork() {
        CatalogIndex other = CatalogIndex.inMemory();
        other.put(doc("a", "A").build());
        other.close();
        other.close(); // idempotent
        assertThatThrownBy(() -> other.search(text("a"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> other.put(doc("b", "B").build())).isInstanceOf(IllegalStateException.class);
    }

    // ---- conditions, time ranges, orders of several keys, whole facet lists ----------------------

    private static CatalogQuery where(
            List<CatalogQuery.Condition> conditions, List<CatalogQuery.Range> ranges, List<CatalogQuery.Order> order) {
        return new CatalogQuery(null, null, Sort.RELEVANCE, 0, 100, null, conditions, ranges, order, true);
    }

    private static CatalogQuery.Condition cond(String field, String... values) {
        return new CatalogQuery.Condition(field, List.of(values));
    }

    private static CatalogQuery.Order asc(CatalogQuery.OrderField f) {
        return new CatalogQuery.Order(f, false);
    }

    private static CatalogQuery.Order desc(CatalogQuery.OrderField f) {
        return new CatalogQuery.Order(f, true);
    }

    private void threeDatasets() {
        Doc a = doc("a", "Giá đất");
        a.keywords = List.of("đất", "giá");
        a.created = Instant.parse("2024-01-01T00:00:00.000001Z");
        a.modified = Instant.parse("2024-06-01T00:00:00Z");
        a.alternateId = "uuid-3";
        a.publisherId = "7";
        Doc b = doc("b", "Dân cư");
        b.keywords = List.of("đất");
        b.created = Instant.parse("2024-02-01T00:00:00Z");
        b.modified = Instant.parse("2024-05-01T00:00:00Z");
        b.alternateId = "uuid-1";
        b.publisherId = "7";
        Doc c = doc("c", "Bệnh viện");
        c.keywords = List.of("giá");
        c.publisher = "Bộ Y tế";
        c.alternateId = "uuid-2";
        c.publisherId = "9";
        index.putAll(List.of(a.build(), b.build(), c.build()));
    }

    @Test
    void conditionsOnOneFieldAreAndedAndIdsFilter() {
        threeDatasets();
        assertThat(ids(where(List.of(cond("keyword", "đất"), cond("keyword", "giá")), List.of(), List.of())))
                .containsExactly("a");
        assertThat(ids(where(List.of(cond("keyword", "đất", "giá")), List.of(), List.of())))
                .containsExactlyInAnyOrder("a", "b", "c");
        assertThat(ids(where(List.of(cond(CatalogQuery.ID, " b ", "c")), List.of(), List.of())))
                .containsExactlyInAnyOrder("b", "c");
        assertThat(ids(where(List.of(cond(CatalogQuery.ALTERNATE_ID, "uuid-2")), List.of(), List.of())))
                .containsExactly("c");
        assertThat(ids(where(List.of(cond(CatalogQuery.PUBLISHER_ID, "7")), List.of(), List.of())))
                .containsExactlyInAnyOrder("a", "b");
        // A condition with no usable value keeps nothing (a facet filter with none keeps everything).
        assertThat(index.search(where(List.of(cond("keyword", " ")), List.of(), List.of()))
                        .total())
                .isZero();
        assertThatThrownBy(() -> index.search(where(List.of(cond("colour", "red")), List.of(), List.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("colour");
    }

    @Test
    void timeRangesHoldToTheMicrosecondAndMissingTimesNeverMatch() {
        threeDatasets();
        Instant aCreated = Instant.parse("2024-01-01T00:00:00.000001Z");
        var created = CatalogQuery.TimeField.CREATED;
        assertThat(ids(where(
                        List.of(), List.of(new CatalogQuery.Range(created, aCreated, true, null, true)), List.of())))
                .containsExactlyInAnyOrder("a", "b");
        assertThat(ids(where(
                        List.of(), List.of(new CatalogQuery.Range(created, aCreated, false, null, true)), List.of())))
                .containsExactly("b");
        // A bound between two microseconds: a's time is above 00:00:00.0000005 and below .0000015.
        assertThat(ids(where(
                        List.of(),
                        List.of(new CatalogQuery.Range(
                                created,
                                Instant.parse("2024-01-01T00:00:00.0000005Z"),
                                true,
                                Instant.parse("2024-01-01T00:00:00.0000015Z"),
                                false)),
                        List.of())))
                .containsExactly("a");
        assertThat(ids(where(List.of(), List.of(new CatalogQuery.Range(created, null, true, null, true)), List.of())))
                .containsExactlyInAnyOrder("a", "b");
        assertThat(ids(where(
                        List.of(),
                        List.of(new CatalogQuery.Range(
                                CatalogQuery.TimeField.MODIFIED,
                                null,
                                true,
                                Instant.parse("2024-05-01T00:00:00Z"),
                                true)),
                        List.of())))
                .containsExactlyInAnyOrder("b", "c");
    }

    @Test
    void ordersOfAnyKeysEndWithTheId() {
        threeDatasets();
        assertThat(ids(where(List.of(), List.of(), List.of(asc(CatalogQuery.OrderField.ALTERNATE_ID)))))
                .containsExactly("b", "c", "a");
        assertThat(ids(where(List.of(), List.of(), List.of(desc(CatalogQuery.OrderField.ID)))))
                .containsExactly("c", "b", "a");
        // Unknown creation time is the earliest: first ascending, last descending.
        assertThat(ids(where(List.of(), List.of(), List.of(asc(CatalogQuery.OrderField.CREATED)))))
                .containsExactly("c", "a", "b");
        assertThat(ids(where(List.of(), List.of(), List.of(desc(CatalogQuery.OrderField.CREATED)))))
                .containsExactly("b", "a", "c");
        assertThat(ids(where(List.of(), List.of(), List.of(desc(CatalogQuery.OrderField.TITLE)))))
                .containsExactly("a", "b", "c");
        assertThat(ids(where(List.of(), List.of(), List.of(asc(CatalogQuery.OrderField.MODIFIED)))))
                .containsExactly("c", "b", "a");
        // Equal first keys (every quality is 50) fall back to the next key.
        assertThat(ids(where(
                        List.of(),
                        List.of(),
                        List.of(desc(CatalogQuery.OrderField.QUALITY), asc(CatalogQuery.OrderField.TITLE)))))
                .containsExactly("c", "b", "a");
        CatalogQuery scored = new CatalogQuery(
                "gia",
                null,
                Sort.RELEVANCE,
                0,
                10,
                null,
                List.of(),
                List.of(),
                List.of(desc(CatalogQuery.OrderField.SCORE), asc(CatalogQuery.OrderField.ID)),
                true);
        SearchResult r = index.search(scored);
        // a has "giá" in its title, c only as a keyword: a scores higher.
        assertThat(r.hits()).extracting(SearchResult.Hit::id).containsExactly("a", "c");
        assertThat(r.hits().get(0).score()).isGreaterThan(r.hits().get(1).score());
    }

    @Test
    void facetCountsOfARepeatedQueryStayRightForEveryPageAndFollowWrites() {
        threeDatasets();
        CatalogQuery first =
                new CatalogQuery(null, null, Sort.RELEVANCE, 0, 1, null, List.of(), List.of(), List.of(), true);
        CatalogQuery second =
                new CatalogQuery(null, null, Sort.RELEVANCE, 1, 2, null, List.of(), List.of(), List.of(), true);
        SearchResult one = index.search(first);
        SearchResult again = index.search(second); // the same query's counts, kept; its own page and total
        assertThat(counts(one, "publisher")).containsEntry("Cục Thống kê", 2L).containsEntry("Bộ Y tế", 1L);
        assertThat(again.facets()).isEqualTo(one.facets());
        assertThat(again.total()).isEqualTo(3);
        assertThat(again.hits()).hasSize(2);
        assertThatThrownBy(() -> again.facets().clear()).isInstanceOf(UnsupportedOperationException.class);

        Doc d = doc("d", "Trường học");
        d.publisher = "Bộ Y tế";
        index.put(d.build());
        SearchResult after = index.search(first);
        assertThat(after.total()).isEqualTo(4);
        assertThat(counts(after, "publisher")).containsEntry("Cục Thống kê", 2L).containsEntry("Bộ Y tế", 2L);
    }

    @Test
    void textKeysSortAcrossSegmentsExactlyAsTheirTextsDoDeepPagesIncluded() {
        // Several batches, each its own segment, with ids, CKAN ids and titles in no order and some CKAN ids
        // missing: ids, CKAN ids and titles are sorted by their rank among all values of the snapshot.
        java.util.Random random = new java.util.Random(7);
        List<Doc> all = new java.util.ArrayList<>();
        for (int batch = 0; batch < 4; batch++) {
            List<CatalogDocument> docs = new java.util.ArrayList<>();
            for (int i = 0; i < 60; i++) {
                Doc d = doc(
                        Long.toString(random.nextLong() & Long.MAX_VALUE, 36),
                        "t" + Integer.toString(random.nextInt(1_000_000), 36));
                d.alternateId = random.nextInt(5) == 0
                        ? null
                        : java.util.UUID.randomUUID().toString();
                all.add(d);
                docs.add(d.build());
            }
            index.putAll(docs);
        }
        assertThat(index.segmentCount()).isGreaterThan(1);
        Comparator<Doc> byId = Comparator.comparing(d -> d.id);
        Comparator<Doc> byAlternate =
                Comparator.comparing(d -> d.alternateId, Comparator.nullsLast(Comparator.naturalOrder()));
        Comparator<Doc> byTitle = Comparator.comparing(d -> d.title);
        Map<List<CatalogQuery.Order>, Comparator<Doc>> orders = Map.of(
                List.of(asc(CatalogQuery.OrderField.ID)), byId,
                List.of(desc(CatalogQuery.OrderField.ID)), byId.reversed(),
                List.of(asc(CatalogQuery.OrderField.ALTERNATE_ID)), byAlternate.thenComparing(byId),
                // Descending, a missing CKAN id still comes last.
                List.of(desc(CatalogQuery.OrderField.ALTERNATE_ID)),
                        Comparator.comparing(
                                        (Doc d) -> d.alternateId,
                                        Comparator.nullsLast(Comparator.<String>reverseOrder()))
                                .thenComparing(byId),
                List.of(asc(CatalogQuery.OrderField.TITLE)), byTitle.thenComparing(byId),
                List.of(desc(CatalogQuery.OrderField.TITLE)), byTitle.reversed().thenComparing(byId));
        orders.forEach((order, comparator) -> {
            List<String> expected =
                    all.stream().sorted(comparator).map(d -> d.id).toList();
            for (int offset : new int[] {0, 37, 150}) {
                CatalogQuery q = new CatalogQuery(
                        null, null, Sort.RELEVANCE, offset, 50, null, List.of(), List.of(), order, false);
                assertThat(ids(q))
                        .as(order + " from " + offset)
                        .containsExactlyElementsOf(expected.subList(offset, Math.min(expected.size(), offset + 50)));
            }
        });
        // With facets counted the page goes through the other collector; the order is the same.
        List<CatalogQuery.Order> byCkanId = List.of(asc(CatalogQuery.OrderField.ALTERNATE_ID));
        CatalogQuery faceted =
                new CatalogQuery(null, null, Sort.RELEVANCE, 10, 20, null, List.of(), List.of(), byCkanId, true);
        assertThat(ids(faceted))
                .containsExactlyElementsOf(all.stream()
                        .sorted(byAlternate.thenComparing(byId))
                        .map(d -> d.id)
                        .toList()
                        .subList(10, 30));
    }

    @Test
    void facetValuesListEveryValueForTheAudiencesAndFollowWrites() {
        threeDatasets();
        Doc hidden = doc("d", "Nội bộ");
        hidden.publisherId = "11";
        hidden.keywords = List.of("nội bộ");
        hidden.audiences = Set.of("org:11");
        index.put(hidden.build());

        assertThat(index.facetValues(CatalogQuery.PUBLISHER_ID, Set.of(CatalogQuery.PUBLIC)))
                .containsExactly(new SearchResult.FacetCount("7", 2), new SearchResult.FacetCount("9", 1));
        assertThat(index.facetValues("keyword", null))
                .containsExactly(
                        new SearchResult.FacetCount("giá", 2),
                        new SearchResult.FacetCount("đất", 2),
                        new SearchResult.FacetCount("nội bộ", 1));
        // No cap at 50 values, unlike the counts of a search.
        List<CatalogDocument> many = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            Doc d = doc("k" + i, "t");
            d.keywords = List.of("từ khóa " + i);
            many.add(d.build());
        }
        index.putAll(many);
        assertThat(index.facetValues("keyword", Set.of(CatalogQuery.PUBLIC))).hasSize(122);
        index.remove("a");
        assertThat(index.facetValues(CatalogQuery.PUBLISHER_ID, Set.of(CatalogQuery.PUBLIC)))
                .containsExactly(new SearchResult.FacetCount("7", 1), new SearchResult.FacetCount("9", 1));
        assertThat(index.memoryBytes()).isPositive();
        assertThat(index.ids(Set.of("org:11"))).containsExactly("d");
        assertThat(index.ids(Set.of(CatalogQuery.PUBLIC))).hasSize(122).startsWith("b", "c", "k0", "k1", "k10");
        assertThatThrownBy(() -> index.facetValues("colour", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutFacetCountingTheTotalAndPageAreTheSame() {
        threeDatasets();
        for (int limit : new int[] {0, 2}) {
            CatalogQuery counted =
                    new CatalogQuery("gia", null, Sort.RECENT, 0, limit, null, List.of(), List.of(), List.of(), true);
            CatalogQuery uncounted =
                    new CatalogQuery("gia", null, Sort.RECENT, 0, limit, null, List.of(), List.of(), List.of(), false);
            SearchResult with = index.search(counted);
            SearchResult without = index.search(uncounted);
            assertThat(without.total()).isEqualTo(with.total()).isEqualTo(2);
            assertThat(without.hits()).isEqualTo(with.hits());
            assertThat(with.facets().get("keyword")).isNotEmpty();
            assertThat(without.facets()).containsOnlyKeys(CatalogQuery.FACETS);
            assertThat(without.facets().values()).allMatch(List::isEmpty);
        }
    }

    @Test
    void aLargeBatchWithRepeatedIdsKeepsTheLastOfEach() {
        List<CatalogDocument> batch = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            batch.add(
                    doc("d" + (i % 2_500), "lần " + (i < 2_500 ? "một" : "hai")).build());
        }
        index.putAll(batch);
        assertThat(index.size()).isEqualTo(2_500);
        assertThat(index.search(text("mot")).total()).isZero();
        assertThat(index.search(text("hai")).total()).isEqualTo(2_500);
        index.replaceAll(batch);
        assertThat(index.size()).isEqualTo(2_500);
        assertThat(index.search(text("hai")).total()).isEqualTo(2_500);
    }
}

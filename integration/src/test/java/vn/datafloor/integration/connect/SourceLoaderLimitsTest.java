package vn.datafloor.integration.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.pipeline.PipelineSpec.SourceSpec;

/**
 * The files a penetration test used against the loader, built here small on disk: every one is refused
 * with an {@link InputLimitException} that names the limit, the file and where, before the reader
 * spends the CPU, and no message echoes a value from the file.
 */
class SourceLoaderLimitsTest {

    @TempDir
    Path input;

    @TempDir
    Path work;

    private Connection duck;

    @BeforeEach
    void open() throws Exception {
        duck = DuckDbConnections.open(null, "1GB", 1);
    }

    @AfterEach
    void close() throws Exception {
        duck.close();
    }

    // ------------------------------------------------------------------ xlsx

    @Test
    void aWorkbookThatExpandsAThousandfoldIsRefusedBeforeItIsParsed() throws Exception {
        // The report's bomb: ~400 KB expanding to ~118 MB and a million rows. Here ~50 MB of identical rows.
        Path file = Bombs.workbook(input.resolve("bomb.xlsx"), Bombs.identicalRows(1_000_000));
        assertThat(Files.size(file)).isLessThan(1_000_000);

        InputLimitException refused = refusal(() -> load("xlsx", "bomb.xlsx", InputLimits.DEFAULTS));

        assertThat(refused.limit()).isEqualTo("maxCompressionRatio");
        assertThat(refused.getMessage()).contains("bomb.xlsx", "xl/worksheets/sheet1.xml", "100 times");
        assertThat(work.resolve("source.xlsx.csv"))
                .as("refused before the sheet was read")
                .doesNotExist();
    }

    @Test
    void aHundredMegabyteCellIsRefusedBeforeItIsParsed() throws Exception {
        Path file = Bombs.workbook(input.resolve("cell.xlsx"), Bombs.hugeCell(100L << 20));
        assertThat(Files.size(file)).isLessThan(1_000_000);

        InputLimitException refused = refusal(() -> load("xlsx", "cell.xlsx", InputLimits.DEFAULTS));

        assertThat(refused.limit()).isEqualTo("maxCompressionRatio");
        assertThat(work.resolve("source.xlsx.csv")).doesNotExist();
    }

    @Test
    void aLongCellIsRefusedWithItsRowAndColumnEvenWhenTheRatioIsAllowed() throws Exception {
        Bombs.workbook(input.resolve("cell.xlsx"), Bombs.hugeCell(3L << 20));
        InputLimits ratioAllowed = InputLimits.DEFAULTS.withMaxCompressionRatio(1_000_000);

        InputLimitException refused = refusal(() -> load("xlsx", "cell.xlsx", ratioAllowed));

        assertThat(refused.limit()).isEqualTo("maxCellBytes");
        assertThat(refused.getMessage()).contains("cell.xlsx", "row 2, column B", "1048576 bytes");
        assertThat(work.resolve("source.xlsx.csv")).doesNotExist();
    }

    @Test
    void aLongSharedStringIsRefusedWithItsIndex() throws Exception {
        Bombs.workbook(
                input.resolve("shared.xlsx"),
                out -> {
                    out.write("<si><t>ma</t></si><si><t>".getBytes(StandardCharsets.US_ASCII));
                    Bombs.writeRepeated(out, Bombs.SECRET, 40_000);
                    out.write("</t></si>".getBytes(StandardCharsets.US_ASCII));
                },
                Bombs.table(1, 1));

        InputLimitException refused =
                refusal(() -> load("xlsx", "shared.xlsx", InputLimits.DEFAULTS.withMaxCellBytes(10_000)));

        assertThat(refused.limit()).isEqualTo("maxCellBytes");
        assertThat(refused.getMessage()).contains("xl/sharedStrings.xml", "shared string 2");
    }

    @Test
    void aWorkbookLargerThanTheLimitWhenUnpackedIsRefusedEvenAtAnOrdinaryRatio() throws Exception {
        Path file = Bombs.workbook(input.resolve("big.xlsx"), Bombs.incompressible(400_000, 7));
        assertThat(Files.size(file)).isLessThan(400_000);

        InputLimitException refused =
                refusal(() -> load("xlsx", "big.xlsx", InputLimits.DEFAULTS.withMaxDecompressedBytes(300_000)));

        assertThat(refused.limit()).isEqualTo("maxDecompressedBytes");
        assertThat(refused.getMessage()).contains("big.xlsx", "300000 bytes");
    }

    @Test
    void aZipOfManyPartsIsRefusedEvenWhenItsEndRecordUnderstatesThem() throws Exception {
        Bombs.manyEntries(input.resolve("parts.xlsx"), 60, false);
        Bombs.manyEntries(input.resolve("lying.xlsx"), 60, true);
        InputLimits fifty = InputLimits.DEFAULTS.withMaxZipEntries(50);

        assertThat(refusal(() -> load("xlsx", "parts.xlsx", fifty)).limit()).isEqualTo("maxZipEntries");
        InputLimitException lying = refusal(() -> load("xlsx", "lying.xlsx", fifty));
        assertThat(lying.limit()).isEqualTo("maxZipEntries");
        assertThat(lying.getMessage()).contains("lying.xlsx", "50 parts");
    }

    @Test
    void rowsAndColumnsAreCountedWhileTheSheetIsRead() throws Exception {
        Bombs.workbook(input.resolve("rows.xlsx"), Bombs.table(30, 3));
        Bombs.workbook(input.resolve("wide.xlsx"), Bombs.table(2, 12));
        // Cells without references: the reader numbers them one after another, only the reading loop can count them.
        Bombs.workbook(
                input.resolve("unnumbered.xlsx"),
                out -> out.write(
                        ("<row>" + "<c><v>1</v></c>".repeat(12) + "</row>").getBytes(StandardCharsets.US_ASCII)));

        InputLimitException rows = refusal(() -> load("xlsx", "rows.xlsx", InputLimits.DEFAULTS.withMaxRows(10)));
        assertThat(rows.limit()).isEqualTo("maxRows");
        assertThat(rows.getMessage()).contains("rows.xlsx", "sheet Sheet1", "10 rows");

        InputLimitException wide = refusal(() -> load("xlsx", "wide.xlsx", InputLimits.DEFAULTS.withMaxColumns(10)));
        assertThat(wide.limit()).isEqualTo("maxColumns");
        assertThat(wide.getMessage()).contains("wide.xlsx", "past column 10", "row 1");
        InputLimitException unnumbered =
                refusal(() -> load("xlsx", "unnumbered.xlsx", InputLimits.DEFAULTS.withMaxColumns(10)));
        assertThat(unnumbered.limit()).isEqualTo("maxColumns");
        assertThat(unnumbered.getMessage()).contains("unnumbered.xlsx", "sheet Sheet1", "row 1", "12 columns");

        LoadedSource within = load("xlsx", "rows.xlsx", InputLimits.DEFAULTS.withMaxRows(30));
        assertThat(within.rows()).isEqualTo(30);
    }

    @Test
    void aCellFarPastTheLastColumnIsRefusedBeforeTheReaderMakesRoomForIt() throws Exception {
        // One cell at column ZZZZZZ: a reader would fill some 300 million empty slots before it.
        Bombs.workbook(
                input.resolve("far.xlsx"),
                out -> out.write("<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"ZZZZZZ1\"><v>2</v></c></row>"
                        .getBytes(StandardCharsets.US_ASCII)));
        Bombs.workbook(
                input.resolve("long.xlsx"),
                out -> out.write(("<row r=\"1\"><c s=\"" + "1".repeat(600) + "\" r=\"ZZZZZZ1\"><v>2</v></c></row>")
                        .getBytes(StandardCharsets.US_ASCII)));

        InputLimitException far = refusal(() -> load("xlsx", "far.xlsx", InputLimits.DEFAULTS));
        assertThat(far.limit()).isEqualTo("maxColumns");
        assertThat(far.getMessage()).contains("far.xlsx", "past column 2000", "row 1");
        assertThat(refusal(() -> load("xlsx", "long.xlsx", InputLimits.DEFAULTS))
                        .limit())
                .isEqualTo("cellReference");
    }

    @Test
    void aSheetHiddenUnderAnImageNameIsScannedAndUtf16PartsAreRefused() throws Exception {
        // The relationships, not the extension, say which part is the sheet.
        Path renamed = input.resolve("renamed.xlsx");
        Bombs.workbook(renamed, Bombs.hugeCell(40_000));
        Path moved = input.resolve("moved.xlsx");
        try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(renamed));
                var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(moved))) {
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                String name = e.getName().replace("sheet1.xml", "sheet1.png");
                out.putNextEntry(new java.util.zip.ZipEntry(name));
                byte[] bytes = in.readAllBytes();
                out.write(new String(bytes, StandardCharsets.UTF_8)
                        .replace("sheet1.xml", "sheet1.png")
                        .getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        InputLimitException hidden =
                refusal(() -> load("xlsx", "moved.xlsx", InputLimits.DEFAULTS.withMaxCellBytes(10_000)));
        assertThat(hidden.limit()).isEqualTo("maxCellBytes");
        assertThat(hidden.getMessage()).contains("xl/worksheets/sheet1.png");

        Path wide = input.resolve("utf16.xlsx");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(wide))) {
            out.putNextEntry(new java.util.zip.ZipEntry("xl/worksheets/sheet1.xml"));
            out.write("<worksheet/>".getBytes(StandardCharsets.UTF_16LE));
            out.closeEntry();
        }
        assertThat(refusal(() -> load("xlsx", "utf16.xlsx", InputLimits.DEFAULTS))
                        .limit())
                .isEqualTo("encoding");
    }

    @Test
    void aDoctypeInAWorkbookPartIsRefused() throws Exception {
        Bombs.workbook(
                input.resolve("dtd.xlsx"),
                out -> out.write("<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\">]><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
                        .getBytes(StandardCharsets.US_ASCII)));

        assertThat(refusal(() -> load("xlsx", "dtd.xlsx", InputLimits.DEFAULTS)).limit())
                .isEqualTo("doctype");
    }

    @Test
    void anOrdinaryWorkbookStillLoads() throws Exception {
        Bombs.workbook(input.resolve("ok.xlsx"), Bombs.table(5, 4));
        LoadedSource loaded = load("xlsx", "ok.xlsx", InputLimits.DEFAULTS);
        assertThat(loaded.rows()).isEqualTo(5);
        assertThat(loaded.columns()).containsExactly("c0", "c1", "c2", "c3");
    }

    // ------------------------------------------------------------------ CSV and JSON Lines

    @Test
    void aGzipCsvThatUnpacksPastTheLimitIsRefusedAndASmallOneIsRead() throws Exception {
        Path bomb = Bombs.gzipCsv(input.resolve("people.csv.gz"), 5L << 20);
        assertThat(Files.size(bomb)).isLessThan(100_000);

        InputLimitException refused =
                refusal(() -> load("csv", "people.csv.gz", InputLimits.DEFAULTS.withMaxDecompressedBytes(1 << 20)));
        assertThat(refused.limit()).isEqualTo("maxDecompressedBytes");
        assertThat(refused.getMessage()).contains("people.csv.gz");

        Bombs.gzipCsv(input.resolve("small.csv.gz"), 10 * ("1," + Bombs.SECRET + "\n").length());
        LoadedSource small = load("csv", "small.csv.gz", InputLimits.DEFAULTS);
        assertThat(small.rows()).isEqualTo(10);
        assertThat(small.warnings()).anyMatch(w -> w.contains("gzip"));
    }

    @Test
    void aCsvFileOverTheRowOrColumnLimitIsRefused() throws Exception {
        StringBuilder csv = new StringBuilder("ma,ten\n");
        for (int i = 0; i < 20; i++) {
            csv.append(i).append(',').append(Bombs.SECRET).append('\n');
        }
        Files.writeString(input.resolve("rows.csv"), csv);
        StringBuilder wide = new StringBuilder();
        for (int c = 0; c < 3_000; c++) {
            wide.append(c == 0 ? "" : ",").append("c").append(c);
        }
        Files.writeString(input.resolve("wide.csv"), wide.append("\n"));

        InputLimitException rows = refusal(() -> load("csv", "rows.csv", InputLimits.DEFAULTS.withMaxRows(10)));
        assertThat(rows.limit()).isEqualTo("maxRows");
        assertThat(rows.getMessage()).contains("rows.csv", "10 rows");
        assertThat(load("csv", "rows.csv", InputLimits.DEFAULTS.withMaxRows(20)).rows())
                .isEqualTo(20);

        InputLimitException columns = refusal(() -> load("csv", "wide.csv", InputLimits.DEFAULTS));
        assertThat(columns.limit()).isEqualTo("maxColumns");
        assertThat(columns.getMessage()).contains("wide.csv", "2000 columns");
    }

    @Test
    void aJsonLinesFileOverTheRowOrColumnLimitOrUnpackingTooFarIsRefused() throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            lines.append("{\"ma\": ")
                    .append(i)
                    .append(", \"ten\": \"")
                    .append(Bombs.SECRET)
                    .append("\"}\n");
        }
        Files.writeString(input.resolve("rows.jsonl"), lines);
        StringBuilder wide = new StringBuilder("{");
        for (int c = 0; c < 30; c++) {
            wide.append(c == 0 ? "" : ", ").append("\"c").append(c).append("\": 1");
        }
        Files.writeString(input.resolve("wide.jsonl"), wide.append("}\n"));
        try (OutputStream out =
                new java.util.zip.GZIPOutputStream(Files.newOutputStream(input.resolve("bomb.jsonl")))) {
            Bombs.writeRepeated(out, "{\"ten\": \"" + Bombs.SECRET + "\"}\n", 5L << 20);
        }

        assertThat(refusal(() -> load("jsonl", "rows.jsonl", InputLimits.DEFAULTS.withMaxRows(10)))
                        .limit())
                .isEqualTo("maxRows");
        assertThat(load("jsonl", "rows.jsonl", InputLimits.DEFAULTS.withMaxRows(20))
                        .rows())
                .isEqualTo(20);
        assertThat(refusal(() -> load("jsonl", "wide.jsonl", InputLimits.DEFAULTS.withMaxColumns(20)))
                        .limit())
                .isEqualTo("maxColumns");
        assertThat(refusal(() -> load("jsonl", "bomb.jsonl", InputLimits.DEFAULTS.withMaxDecompressedBytes(1 << 20)))
                        .limit())
                .isEqualTo("maxDecompressedBytes");
    }

    // ------------------------------------------------------------------ Parquet

    @Test
    void aParquetFileIsCheckedByItsFooterBeforeARowIsRead() throws Exception {
        Path file = input.resolve("packed.parquet");
        try (Statement s = duck.createStatement()) {
            // 20 distinct values of about 100 KB each: 2 MB of pages that zstd packs into a few kilobytes.
            s.execute("COPY (SELECT range AS ma, repeat('" + Bombs.SECRET
                    + "' || range, 7000) AS ten FROM range(20)) TO '" + file + "' (FORMAT parquet, COMPRESSION zstd)");
        }
        assertThat(Files.size(file)).isLessThan(100_000);

        InputLimitException bytes = refusal(
                () -> load("parquet", "packed.parquet", InputLimits.DEFAULTS.withMaxDecompressedBytes(1 << 20)));
        assertThat(bytes.limit()).isEqualTo("maxDecompressedBytes");
        assertThat(bytes.getMessage()).contains("packed.parquet");
        assertThat(refusal(() -> load("parquet", "packed.parquet", InputLimits.DEFAULTS.withMaxRows(10)))
                        .limit())
                .isEqualTo("maxRows");
        assertThat(refusal(() -> load("parquet", "packed.parquet", InputLimits.DEFAULTS.withMaxColumns(1)))
                        .limit())
                .isEqualTo("maxColumns");

        assertThat(load("parquet", "packed.parquet", InputLimits.DEFAULTS).rows())
                .isEqualTo(20);
    }

    // ------------------------------------------------------------------ at upload

    @Test
    void anUploadIsCheckedForWhatItExpandsToBeforeItIsStored() throws Exception {
        Path bomb = Bombs.workbook(input.resolve("bomb.xlsx"), Bombs.identicalRows(200_000));
        Path gzip = Bombs.gzipCsv(input.resolve("people.csv.gz"), 3L << 20);
        Path parquet = input.resolve("wide.parquet");
        try (Statement s = duck.createStatement()) {
            s.execute("COPY (SELECT 1 AS a, 2 AS b, 3 AS c) TO '" + parquet + "' (FORMAT parquet)");
        }
        Bombs.workbook(input.resolve("ok.xlsx"), Bombs.table(3, 3));

        assertThat(refusal(() -> InputChecks.check(bomb, "xlsx", "bomb.xlsx", InputLimits.DEFAULTS))
                        .limit())
                .isEqualTo("maxCompressionRatio");
        assertThat(refusal(() -> InputChecks.check(
                                gzip, "csv", "people.csv.gz", InputLimits.DEFAULTS.withMaxDecompressedBytes(1 << 20)))
                        .limit())
                .isEqualTo("maxDecompressedBytes");
        assertThat(refusal(() -> InputChecks.check(
                                parquet, "parquet", "wide.parquet", InputLimits.DEFAULTS.withMaxColumns(2)))
                        .limit())
                .isEqualTo("maxColumns");
        InputChecks.check(input.resolve("ok.xlsx"), "xlsx", "ok.xlsx", InputLimits.DEFAULTS);
        InputChecks.check(gzip, "csv", "people.csv.gz", InputLimits.DEFAULTS);
        Files.writeString(input.resolve("fake.xlsx"), "not a zip");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                        () -> InputChecks.check(input.resolve("fake.xlsx"), "xlsx", "fake.xlsx", InputLimits.DEFAULTS)))
                .isExactlyInstanceOf(SourceException.class)
                .hasMessageContaining("not a valid zip");
    }

    // ------------------------------------------------------------------ helpers

    private LoadedSource load(String type, String path, InputLimits limits) {
        SourceLoader loader = new SourceLoader(duck, input, work, name -> null, () -> false, limits);
        return loader.load(SourceSpec.of(type, java.util.Map.of("path", path)), null);
    }

    /** The refusal, checked never to echo a value from the file. */
    private static InputLimitException refusal(ThrowingCallable load) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(load);
        assertThat(thrown).isInstanceOf(InputLimitException.class);
        assertThat(thrown.getMessage()).doesNotContain(Bombs.SECRET);
        return (InputLimitException) thrown;
    }
}

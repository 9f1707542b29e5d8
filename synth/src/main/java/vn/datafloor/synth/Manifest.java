package vn.datafloor.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** manifest.json: what each file is, so a reader (or the ingest pipeline) needs no guessing. */
final class Manifest {
    private Manifest() {}

    static void write(Path out, SynthOptions options, List<Extract> extracts, long registryRecords, long unencodable) {
        StringBuilder b = new StringBuilder();
        Noise n = options.noise();
        b.append("{\n  \"generator\": \"datafloor-synth\",\n");
        b.append("  \"seed\": ").append(options.seed()).append(",\n");
        b.append("  \"people\": ").append(options.people()).append(",\n");
        b.append("  \"reference_date\": \"")
                .append(PopulationModel.REFERENCE_DATE)
                .append("\",\n");
        b.append("  \"noise\": {");
        b.append("\"typo\": ")
                .append(num(n.typo()))
                .append(", \"missing_diacritics\": ")
                .append(num(n.missingDiacritics()))
                .append(", \"nfd\": ")
                .append(num(n.nfd()))
                .append(", \"tone_placement\": ")
                .append(num(n.tonePlacement()))
                .append(", \"eth_for_d\": ")
                .append(num(n.ethForD()))
                .append(", \"swapped_names\": ")
                .append(num(n.swappedNames()))
                .append(", \"missing_field\": ")
                .append(num(n.missingField()))
                .append(", \"day_month_swap\": ")
                .append(num(n.dayMonthSwap()))
                .append(", \"duplicate\": ")
                .append(num(n.duplicate()))
                .append(", \"outdated_address\": ")
                .append(num(n.outdatedAddress()))
                .append(", \"id_error\": ")
                .append(num(n.idError()))
                .append("},\n");
        b.append("  \"windows1258_replaced_chars\": ").append(unencodable).append(",\n");
        b.append("  \"sources\": [\n");
        boolean first = true;
        for (Extract e : extracts) {
            if (!first) {
                b.append(",\n");
            }
            first = false;
            entry(
                    b,
                    e.source,
                    e.relativePath,
                    e.format.name().toLowerCase(Locale.ROOT),
                    e.encoding,
                    null,
                    e.records,
                    e.columns,
                    e.relativePath.startsWith("truth/"));
            if (e.source.equals("tax/filings")) {
                b.append(",\n");
                entry(
                        b,
                        BusinessExtracts.REGISTRY_SOURCE,
                        BusinessExtracts.REGISTRY_PATH,
                        "duckdb",
                        null,
                        "doanh_nghiep",
                        registryRecords,
                        BusinessExtracts.REGISTRY_COLUMNS,
                        false);
            }
        }
        b.append("\n  ]\n}\n");
        writeString(out.resolve("manifest.json"), b.toString());
    }

    private static void entry(
            StringBuilder b,
            String source,
            String path,
            String format,
            String encoding,
            String table,
            long records,
            List<String> columns,
            boolean truth) {
        b.append("    {\"source\": ")
                .append(json(source))
                .append(", \"path\": ")
                .append(json(path))
                .append(", \"format\": ")
                .append(json(format));
        if (encoding != null) {
            b.append(", \"encoding\": ").append(json(encoding));
        }
        if (table != null) {
            b.append(", \"table\": ").append(json(table));
        }
        b.append(", \"ground_truth\": ").append(truth);
        b.append(", \"records\": ").append(records).append(", \"columns\": [");
        for (int i = 0; i < columns.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(json(columns.get(i)));
        }
        b.append("]}");
    }

    private static String num(double v) {
        return Double.toString(v);
    }

    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }

    static void writeString(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

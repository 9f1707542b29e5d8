package vn.datafloor.integration.access;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import vn.datafloor.integration.lake.DuckDbConnections;

/**
 * A small Parquet file of 30 persons, written by DuckDB. Person {@code i} (1..30) has id {@code P<i>},
 * citizen id {@code 0790000000<i, two digits>}, age {@code 20 + i}, birth date 1990-01-01 plus
 * {@code i} years, income {@code i} million, and lives in commune 00004 (Hà Nội, 01) when
 * {@code i % 3 == 0}, 25747 (Hồ Chí Minh, 79) when {@code i % 3 == 1}, 20194 (Đà Nẵng, 48) otherwise.
 */
final class People {

    static final int COUNT = 30;

    static final List<String> COLUMNS =
            List.of("id", "full_name", "citizen_id", "birth_date", "age", "commune_code", "province_code", "income");

    private People() {}

    static Path write(Path directory) throws Exception {
        return write(directory, COUNT);
    }

    /** {@code count} persons, numbered from 1 as above. */
    static Path write(Path directory, int count) throws Exception {
        Path file = directory.resolve("persons.parquet");
        try (Connection c = DuckDbConnections.open(null, "256MB", 1);
                Statement s = c.createStatement()) {
            s.execute("COPY (SELECT 'P' || i AS id,"
                    + " CASE i % 3 WHEN 0 THEN 'Nguyễn Văn An' WHEN 1 THEN 'Trần Thị Bích-Ngọc' ELSE 'Lê Hoàng' END"
                    + " AS full_name,"
                    + " '0790000000' || lpad(i::VARCHAR, 2, '0') AS citizen_id,"
                    + " (DATE '1990-01-01' + to_years(i::INTEGER))::DATE AS birth_date,"
                    + " (20 + i)::INTEGER AS age,"
                    + " CASE i % 3 WHEN 0 THEN '00004' WHEN 1 THEN '25747' ELSE '20194' END AS commune_code,"
                    + " CASE i % 3 WHEN 0 THEN '01' WHEN 1 THEN '79' ELSE '48' END AS province_code,"
                    + " (i * 1000000)::BIGINT AS income"
                    + " FROM range(1, " + (count + 1) + ") t(i)) TO '" + file + "' (FORMAT parquet)");
        }
        return file;
    }

    static int province(int i) {
        return i % 3 == 0 ? 1 : i % 3 == 1 ? 79 : 48;
    }

    static AccessView view(
            Path file, Map<String, Mask> masks, List<RowFilter> filters, Optional<ConsentFilter> consent, byte[] key) {
        return new AccessView("persons", List.of(file), COLUMNS, masks, filters, consent, "id", key);
    }

    static AccessView plain(Path file) {
        return view(file, Map.of(), List.of(), Optional.empty(), key(1));
    }

    static byte[] key(int seed) {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (seed * 31 + i);
        }
        return key;
    }
}

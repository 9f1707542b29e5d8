package vn.datafloor.integration.reference;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Vietnam's administrative units in both list versions, and the 2025 province merger. A unit code
 * means nothing without its version: ward codes were reused with new meanings in 2025.
 */
public final class AdminUnits {

    /** A published list of units, with the dates it was in force. */
    public enum ListVersion {
        /** 63 provinces, districts, communes; in force until 2025-06-30. */
        PRE_2025(LocalDate.of(2008, 8, 1), LocalDate.of(2025, 6, 30)),
        /** 34 provinces and communes in two levels (Resolution 202/2025/QH15); from 2025-07-01. */
        V2025(LocalDate.of(2025, 7, 1), null);

        private final LocalDate effectiveFrom;
        private final LocalDate effectiveTo;

        ListVersion(LocalDate effectiveFrom, LocalDate effectiveTo) {
            this.effectiveFrom = effectiveFrom;
            this.effectiveTo = effectiveTo;
        }

        public LocalDate effectiveFrom() {
            return effectiveFrom;
        }

        /** Last day in force, or null while still in force. */
        public LocalDate effectiveTo() {
            return effectiveTo;
        }

        public static ListVersion inForceOn(LocalDate date) {
            return date.isBefore(V2025.effectiveFrom) ? PRE_2025 : V2025;
        }
    }

    public record Province(ListVersion version, String code, String name, String type) {}

    /**
     * A commune, ward, township or special zone.
     *
     * @param districtCode the district it belonged to (pre-2025 list only; null in the 2025 list)
     */
    public record Commune(
            ListVersion version,
            String code,
            String name,
            String type,
            String provinceCode,
            String districtCode,
            String districtName,
            String districtType) {}

    public record District(String code, String name, String type, String provinceCode) {}

    private static volatile AdminUnits loaded;

    private final Map<ListVersion, Map<String, Province>> provinces = new LinkedHashMap<>();
    private final Map<ListVersion, Map<String, Commune>> communes = new LinkedHashMap<>();
    private final Map<String, District> districts = new LinkedHashMap<>();
    private final Map<String, String> mergedInto = new LinkedHashMap<>();

    private AdminUnits() {}

    /** The units built into this release (see SOURCE.md beside the CSV files). */
    public static AdminUnits builtIn() {
        AdminUnits units = loaded;
        if (units == null) {
            synchronized (AdminUnits.class) {
                units = loaded;
                if (units == null) {
                    units = new AdminUnits();
                    units.read();
                    loaded = units;
                }
            }
        }
        return units;
    }

    private void read() {
        for (ListVersion version : ListVersion.values()) {
            provinces.put(version, new LinkedHashMap<>());
            communes.put(version, new LinkedHashMap<>());
        }
        for (String[] row : rows("vn-admin-units-2025.csv")) {
            provinces
                    .get(ListVersion.V2025)
                    .putIfAbsent(row[0], new Province(ListVersion.V2025, row[0], row[1], row[2]));
            communes.get(ListVersion.V2025)
                    .put(row[3], new Commune(ListVersion.V2025, row[3], row[4], row[5], row[0], null, null, null));
        }
        for (String[] row : rows("vn-admin-units-pre2025.csv")) {
            provinces
                    .get(ListVersion.PRE_2025)
                    .putIfAbsent(row[0], new Province(ListVersion.PRE_2025, row[0], row[1], row[2]));
            districts.putIfAbsent(row[3], new District(row[3], row[4], row[5], row[0]));
            communes.get(ListVersion.PRE_2025)
                    .put(
                            row[6],
                            new Commune(ListVersion.PRE_2025, row[6], row[7], row[8], row[0], row[3], row[4], row[5]));
        }
        for (String[] row : rows("vn-province-merger-2025.csv")) {
            mergedInto.put(row[0], row[2]);
        }
    }

    /** Reads a bundled CSV; these files are plain (no quoting), which the test of this class checks. */
    static List<String[]> rows(String resource) {
        try (InputStream in = AdminUnits.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing bundled reference data " + resource);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String[]> rows = new ArrayList<>();
            String header = reader.readLine();
            int columns = header.split(",", -1).length;
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (cells.length != columns) {
                    throw new IllegalStateException(resource + ": expected " + columns + " columns: " + line);
                }
                rows.add(cells);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Province> provinces(ListVersion version) {
        return List.copyOf(provinces.get(version).values());
    }

    public List<Commune> communes(ListVersion version) {
        return List.copyOf(communes.get(version).values());
    }

    public Optional<Province> province(ListVersion version, String code) {
        return Optional.ofNullable(provinces.get(version).get(code));
    }

    public Optional<Commune> commune(ListVersion version, String code) {
        return Optional.ofNullable(communes.get(version).get(code));
    }

    public Optional<District> district(String code) {
        return Optional.ofNullable(districts.get(code));
    }

    /** The 2025 province a pre-2025 province merged into (itself when it was kept). */
    public Optional<String> currentProvinceCode(String pre2025ProvinceCode) {
        return Optional.ofNullable(mergedInto.get(pre2025ProvinceCode));
    }

    /** The pre-2025 provinces that now form a 2025 province. */
    public List<String> formerProvinceCodes(String province2025Code) {
        List<String> former = new ArrayList<>();
        mergedInto.forEach((old, current) -> {
            if (current.equals(province2025Code)) {
                former.add(old);
            }
        });
        return Collections.unmodifiableList(former);
    }
}

package vn.datafloor.server.catalog;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import vn.datafloor.integration.reference.AdminUnits;
import vn.datafloor.integration.reference.VietnameseText;

/**
 * Vietnam's 34 provinces (from 2025-07-01, Resolution 202/2025/QH15) as a tile grid: one square each,
 * placed roughly where the province lies, north at the top. Boundary files are not to be had here, and a
 * tile map gives every province the same weight, which suits comparisons. The provinces, codes and names
 * come from the bundled reference list ({@link AdminUnits}); only the placement is this class's.
 */
final class ProvinceTiles {

    private ProvinceTiles() {}

    /** A province's square: its column and row on the grid, and a short label that fits in the square. */
    record Tile(String code, String name, int column, int row, String label) {}

    static final int COLUMNS = 5;
    static final int ROWS = 16;

    /** Code → (column, row, label), north-west at (0, 0); the labels are the usual abbreviations. */
    private static final Object[][] PLACES = {
        {"12", 1, 0, "LC"},
        {"15", 2, 0, "LCa"},
        {"08", 3, 0, "TQ"},
        {"04", 4, 0, "CB"},
        {"11", 0, 1, "ĐB"},
        {"14", 1, 1, "SL"},
        {"25", 2, 1, "PT"},
        {"19", 3, 1, "TN"},
        {"20", 4, 1, "LS"},
        {"01", 2, 2, "HN"},
        {"24", 3, 2, "BN"},
        {"22", 4, 2, "QN"},
        {"37", 2, 3, "NB"},
        {"33", 3, 3, "HY"},
        {"31", 4, 3, "HP"},
        {"38", 1, 4, "TH"},
        {"40", 1, 5, "NA"},
        {"42", 2, 5, "HT"},
        {"44", 2, 6, "QT"},
        {"46", 2, 7, "Huế"},
        {"48", 3, 7, "ĐN"},
        {"51", 3, 8, "QNg"},
        {"52", 3, 9, "GL"},
        {"66", 3, 10, "ĐL"},
        {"68", 2, 11, "LĐ"},
        {"56", 3, 11, "KH"},
        {"80", 0, 12, "TNi"},
        {"79", 1, 12, "HCM"},
        {"75", 2, 12, "ĐNa"},
        {"91", 0, 13, "AG"},
        {"82", 1, 13, "ĐT"},
        {"86", 2, 13, "VL"},
        {"92", 1, 14, "CT"},
        {"96", 0, 15, "CM"},
    };

    private static final List<Tile> TILES = build();

    /** Folded names (and a few names people still write) → code. */
    private static final Map<String, String> BY_NAME = names();

    private static List<Tile> build() {
        Map<String, AdminUnits.Province> provinces = new LinkedHashMap<>();
        AdminUnits.builtIn().provinces(AdminUnits.ListVersion.V2025).forEach(p -> provinces.put(p.code(), p));
        List<Tile> tiles = new java.util.ArrayList<>();
        for (Object[] place : PLACES) {
            AdminUnits.Province province = provinces.get((String) place[0]);
            if (province == null) {
                throw new IllegalStateException("No 2025 province " + place[0] + " in the reference list");
            }
            tiles.add(new Tile(province.code(), province.name(), (int) place[1], (int) place[2], (String) place[3]));
        }
        if (tiles.size() != provinces.size()) {
            throw new IllegalStateException(
                    "The tile map places " + tiles.size() + " of " + provinces.size() + " provinces");
        }
        return List.copyOf(tiles);
    }

    private static Map<String, String> names() {
        Map<String, String> names = new HashMap<>();
        for (Tile t : TILES) {
            names.put(VietnameseText.fold(t.name()), t.code());
        }
        // Names still written for the same provinces: the former "Thừa Thiên Huế", the city's short forms.
        names.put("thua thien hue", "46");
        names.put("hcm", "79");
        names.put("tphcm", "79");
        names.put("sai gon", "79");
        return Map.copyOf(names);
    }

    static List<Tile> tiles() {
        return TILES;
    }

    /**
     * The 2025 province a group value stands for: its code ("1", "01" or the identity number's "001"), or its
     * name with or without marks and with or without "tỉnh"/"thành phố". Nothing for anything else.
     */
    static Optional<String> codeOf(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String text = value.strip();
        if (!text.isEmpty() && text.length() <= 3 && text.chars().allMatch(Character::isDigit)) {
            String code = String.format("%02d", Integer.parseInt(text));
            return BY_NAME.containsValue(code) ? Optional.of(code) : Optional.empty();
        }
        String folded = VietnameseText.fold(text)
                .replace('.', ' ')
                .replaceAll("\\s+", " ")
                .strip();
        for (String prefix : List.of("thanh pho ", "tinh ", "tp ")) {
            if (folded.startsWith(prefix)) {
                folded = folded.substring(prefix.length());
                break;
            }
        }
        return Optional.ofNullable(BY_NAME.get(folded));
    }
}

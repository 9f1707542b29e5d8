package vn.datafloor.synth;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import vn.datafloor.integration.reference.AdminUnits;
import vn.datafloor.integration.reference.AdminUnits.Commune;
import vn.datafloor.integration.reference.AdminUnits.ListVersion;
import vn.datafloor.integration.reference.AdminUnits.Province;

/**
 * Communes and provinces as the generator uses them: people live in 2025 communes (picked uniformly; the
 * lists carry no populations), and each 2025 commune has one pre-2025 commune that stands for it in
 * outdated addresses. Refdata has no commune-level merger table, so that stand-in is the pre-2025 commune
 * of the same name in one of the merged provinces when there is one (many new communes kept an old name),
 * otherwise a fixed pick from those provinces. Good enough to make old addresses plausible, not a mapping.
 */
final class Places {

    final List<Commune> communes2025;
    final List<Province> provinces2025;
    final List<Province> provincesPre2025;
    private final Map<String, Province> province2025 = new HashMap<>();
    private final Map<String, Province> provincePre2025 = new HashMap<>();
    private final Map<String, Commune> formerCommune = new HashMap<>();
    private final Map<String, List<String>> formerProvinces = new HashMap<>();
    private final Set<String> urbanDistricts = new HashSet<>();

    Places(AdminUnits units) {
        communes2025 = units.communes(ListVersion.V2025);
        provinces2025 = units.provinces(ListVersion.V2025);
        provincesPre2025 = units.provinces(ListVersion.PRE_2025);
        provinces2025.forEach(p -> province2025.put(p.code(), p));
        provincesPre2025.forEach(p -> provincePre2025.put(p.code(), p));
        Map<String, List<Commune>> oldByProvince = new HashMap<>();
        for (Commune old : units.communes(ListVersion.PRE_2025)) {
            oldByProvince
                    .computeIfAbsent(old.provinceCode(), k -> new ArrayList<>())
                    .add(old);
            if (old.type().equals("Ward")) {
                urbanDistricts.add(old.districtCode());
            }
        }
        for (Province p : provinces2025) {
            List<String> former = units.formerProvinceCodes(p.code());
            formerProvinces.put(p.code(), former.isEmpty() ? List.of(p.code()) : former);
        }
        for (Commune c : communes2025) {
            List<Commune> candidates = new ArrayList<>();
            for (String old : formerProvinces.get(c.provinceCode())) {
                candidates.addAll(oldByProvince.getOrDefault(old, List.of()));
            }
            Commune pick = null;
            for (Commune candidate : candidates) {
                if (candidate.name().equals(c.name())) {
                    pick = candidate;
                    break;
                }
            }
            if (pick == null && !candidates.isEmpty()) {
                pick = candidates.get(Math.floorMod(c.code().hashCode() * 31 + 7, candidates.size()));
            }
            formerCommune.put(c.code(), pick);
        }
    }

    Province province2025(String code) {
        return province2025.get(code);
    }

    Province provincePre2025(String code) {
        return provincePre2025.get(code);
    }

    /** The pre-2025 provinces that now form this 2025 province (itself when it was kept unchanged). */
    List<String> formerProvinces(String province2025Code) {
        return formerProvinces.get(province2025Code);
    }

    Commune formerCommune(Commune commune2025) {
        return formerCommune.get(commune2025.code());
    }

    static String communeLabel(Commune c) {
        String prefix = switch (c.type()) {
            case "Ward" -> "Phường";
            case "Township" -> "Thị trấn";
            case "Special administrative region" -> "Đặc khu";
            default -> "Xã";
        };
        return prefix + " " + c.name();
    }

    static String provinceLabel(Province p) {
        return (p.type().equals("City") ? "Thành phố " : "Tỉnh ") + p.name();
    }

    /** Pre-2025 districts: "City" and "Town" are explicit; a "District" is urban (Quận) when it had wards. */
    String districtLabel(Commune old) {
        String prefix = switch (old.districtType()) {
            case "City" -> "Thành phố";
            case "Town" -> "Thị xã";
            default -> urbanDistricts.contains(old.districtCode()) ? "Quận" : "Huyện";
        };
        return prefix + " " + old.districtName();
    }

    /** "12 Lê Lợi, Phường Ba Đình, Thành phố Hà Nội": the two-level form in use since 2025-07-01. */
    String address2025(String street, Commune c) {
        return street + ", " + communeLabel(c) + ", " + provinceLabel(province2025(c.provinceCode()));
    }

    /** The same home written the pre-2025 way, with district and one of the 63 provinces. */
    String addressPre2025(String street, Commune c2025) {
        Commune old = formerCommune(c2025);
        if (old == null) {
            return address2025(street, c2025);
        }
        return street + ", " + communeLabel(old) + ", " + districtLabel(old) + ", "
                + provinceLabel(provincePre2025(old.provinceCode()));
    }
}

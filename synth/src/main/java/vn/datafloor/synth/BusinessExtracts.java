package vn.datafloor.synth;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import vn.datafloor.integration.reference.AdminUnits.Commune;
import vn.datafloor.integration.reference.AdminUnits.Province;

/**
 * Businesses, their products and tax filings, written after the people: each business is a pure
 * function of the seed and its index, and its owner is the head of a household drawn at random and
 * regenerated from the seed.
 */
final class BusinessExtracts implements AutoCloseable {
    static final String REGISTRY_SOURCE = "business-registry/doanh_nghiep";
    static final String REGISTRY_PATH = "business-registry/registry.duckdb";
    static final List<String> REGISTRY_COLUMNS = List.of(
            "record_id",
            "ma_so_thue",
            "ten_doanh_nghiep",
            "loai_hinh",
            "nganh_nghe_chinh",
            "ten_nganh",
            "ngay_dang_ky",
            "cccd_chu_so_huu",
            "ten_chu_so_huu",
            "dia_chi",
            "ma_xa",
            "ten_xa",
            "ma_tinh",
            "ten_tinh",
            "trang_thai");
    private static final LocalDate FILINGS_FROM = LocalDate.of(2023, 1, 1);

    private final Places places;
    private final Noise noise;
    private final long seed;
    private final TruthLinks truth;
    private final PeopleExtracts people;
    final Extract truthBusinesses;
    final Extract truthProducts;
    final Extract products;
    final Extract filings;
    private final Connection duckdb;
    private final DuckDBAppender registry;
    private final SplittableRandom registryNoise;
    private final SplittableRandom marketNoise;
    private final SplittableRandom filingNoise;
    long registryRecords;
    long productCount;

    BusinessExtracts(Path out, Places places, Noise noise, long seed, TruthLinks truth, PeopleExtracts people)
            throws SQLException, java.io.IOException {
        this.places = places;
        this.noise = noise;
        this.seed = seed;
        this.truth = truth;
        this.people = people;
        registryNoise = new SplittableRandom(Ids.mix(seed, 201));
        marketNoise = new SplittableRandom(Ids.mix(seed, 202));
        filingNoise = new SplittableRandom(Ids.mix(seed, 203));
        truthBusinesses = Extract.csv(
                out,
                "truth/businesses.csv",
                "business_id",
                "tax_code",
                "name",
                "legal_form",
                "vsic",
                "registered_on",
                "owner_person_id",
                "street",
                "commune_code",
                "province_code",
                "status");
        truthProducts = Extract.csv(
                out,
                "truth/products.csv",
                "product_id",
                "gtin",
                "name",
                "category",
                "producer_business_id",
                "announced_on");
        products = Extract.csv(
                out,
                "market/products.csv",
                "record_id",
                "gtin",
                "ten_san_pham",
                "danh_muc",
                "ma_so_thue_nha_san_xuat",
                "ten_nha_san_xuat",
                "ngay_cong_bo");
        filings = Extract.csv(
                out,
                "tax/filings.csv",
                "record_id",
                "ma_so_thue",
                "ky_ke_khai",
                "mau_to_khai",
                "so_tien_phai_nop",
                "ngay_nop");
        Path file = out.resolve(REGISTRY_PATH);
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.deleteIfExists(file);
        java.nio.file.Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".wal"));
        duckdb = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
        try (Statement s = duckdb.createStatement()) {
            // Never download extensions: the platform runs offline and must not fetch code at run time.
            s.execute("SET autoinstall_known_extensions=false");
            s.execute("SET autoload_known_extensions=false");
            s.execute("CREATE TABLE doanh_nghiep (record_id VARCHAR PRIMARY KEY, ma_so_thue VARCHAR, "
                    + "ten_doanh_nghiep VARCHAR, loai_hinh VARCHAR, nganh_nghe_chinh VARCHAR, ten_nganh VARCHAR, "
                    + "ngay_dang_ky DATE, cccd_chu_so_huu VARCHAR, ten_chu_so_huu VARCHAR, dia_chi VARCHAR, "
                    + "ma_xa VARCHAR, ten_xa VARCHAR, ma_tinh VARCHAR, ten_tinh VARCHAR, trang_thai VARCHAR)");
        }
        registry =
                duckdb.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA, "doanh_nghiep");
    }

    void write(long index, Person owner, String ownerCccd) throws SQLException {
        SplittableRandom r = new SplittableRandom(Ids.mix(seed ^ 0x5DEECE66DL, index));
        Vocabulary.Sector sector = Vocabulary.SECTOR.pick(r);
        String form = Vocabulary.COMPANY_FORM.pick(r);
        String brand = Vocabulary.BRAND_FIRST.get(r.nextInt(Vocabulary.BRAND_FIRST.size())) + " "
                + Vocabulary.BRAND_SECOND.get(r.nextInt(Vocabulary.BRAND_SECOND.size()));
        String name =
                form.startsWith("Doanh nghiệp") ? form + " " + brand : form + " " + sector.nameWord() + " " + brand;
        String taxCode = TaxCode.forBusiness(index, seed);
        LocalDate from = owner.birthDate().plusYears(20).isAfter(LocalDate.of(1995, 1, 1))
                ? owner.birthDate().plusYears(20)
                : LocalDate.of(1995, 1, 1);
        LocalDate to = owner.diedOn() != null && owner.diedOn().isBefore(PopulationModel.REFERENCE_DATE)
                ? owner.diedOn()
                : PopulationModel.REFERENCE_DATE;
        if (!from.isBefore(to)) {
            from = owner.birthDate().plusYears(18);
        }
        // Most registered businesses are young: sqrt of a uniform draw skews towards the end of the range.
        long span = Math.max(0, to.toEpochDay() - from.toEpochDay());
        LocalDate registered = LocalDate.ofEpochDay(from.toEpochDay() + (long) (span * Math.sqrt(r.nextDouble())));
        Commune commune = r.nextDouble() < 0.7
                ? owner.currentCommune()
                : places.communes2025.get(r.nextInt(places.communes2025.size()));
        String street = PopulationModel.street(commune, r);
        double s = r.nextDouble();
        String status = s < 0.85 ? "Đang hoạt động" : s < 0.92 ? "Tạm ngừng kinh doanh" : "Đã giải thể";
        String id = Ids.businessId(index);
        truthBusinesses
                .begin()
                .add(id)
                .add(taxCode)
                .add(name)
                .add(form)
                .add(sector.vsic())
                .add(Dates.iso(registered))
                .add(owner.id())
                .add(street)
                .add(commune.code())
                .add(commune.provinceCode())
                .add(status)
                .end();
        people.activity("business_registration", registered, owner.id(), id, commune.code(), sector.vsic());

        writeRegistry(id, taxCode, name, form, sector, registered, owner, ownerCccd, street, commune, status, false);
        if (sector.productCategory() != null) {
            int count = r.nextInt(6);
            for (int i = 0; i < count; i++) {
                writeProduct(r, id, taxCode, name, brand, sector, registered);
            }
        }
        writeFilings(r, id, taxCode, registered, status);
    }

    private void writeRegistry(
            String businessId,
            String taxCode,
            String name,
            String form,
            Vocabulary.Sector sector,
            LocalDate registered,
            Person owner,
            String ownerCccd,
            String street,
            Commune commune,
            String status,
            boolean isDuplicate)
            throws SQLException {
        SplittableRandom r = registryNoise;
        String id = "DN" + Ids.pad(++registryRecords, 8);
        String ownerName = owner.fullName();
        if (PeopleExtracts.hit(r, noise.typo())) {
            ownerName = Corruptor.typo(ownerName, r);
        }
        if (PeopleExtracts.hit(r, noise.ethForD())) {
            ownerName = Corruptor.ethForD(ownerName);
        }
        String cccd = PeopleExtracts.hit(r, noise.idError()) ? Corruptor.idError(ownerCccd, r) : ownerCccd;
        if (PeopleExtracts.hit(r, noise.missingField())) {
            cccd = null;
        }
        String mst = PeopleExtracts.hit(r, noise.idError()) ? Corruptor.idError(taxCode, r) : taxCode;
        Province province = places.province2025(commune.provinceCode());
        registry.beginRow();
        registry.append(id);
        registry.append(mst);
        registry.append(name);
        registry.append(form);
        registry.append(sector.vsic());
        registry.append(sector.title());
        registry.append(registered);
        if (cccd == null) {
            registry.appendNull();
        } else {
            registry.append(cccd);
        }
        registry.append(ownerName);
        registry.append(places.address2025(street, commune));
        registry.append(commune.code());
        registry.append(Places.communeLabel(commune));
        registry.append(province.code());
        registry.append(Places.provinceLabel(province));
        registry.append(status);
        registry.endRow();
        truth.link(REGISTRY_SOURCE, id, TruthLinks.BUSINESS, businessId);
        if (!isDuplicate && PeopleExtracts.hit(r, noise.duplicate() / 2)) {
            writeRegistry(
                    businessId,
                    taxCode,
                    name,
                    form,
                    sector,
                    registered,
                    owner,
                    ownerCccd,
                    street,
                    commune,
                    status,
                    true);
        }
    }

    private void writeProduct(
            SplittableRandom r,
            String businessId,
            String taxCode,
            String producer,
            String brand,
            Vocabulary.Sector sector,
            LocalDate registered) {
        List<String> names = Vocabulary.productNames(sector.productCategory());
        String productName = names.get(r.nextInt(names.size())) + " " + brand + " "
                + Vocabulary.PACK_SIZES.get(r.nextInt(Vocabulary.PACK_SIZES.size()));
        String gtin = Gtin.forProduct(productCount, seed);
        String productId = Ids.productId(productCount++);
        LocalDate announced = PopulationModel.between(r, registered, PopulationModel.REFERENCE_DATE);
        truthProducts
                .begin()
                .add(productId)
                .add(gtin)
                .add(productName)
                .add(sector.productCategory())
                .add(businessId)
                .add(Dates.iso(announced))
                .end();
        SplittableRandom n = marketNoise;
        boolean duplicate = PeopleExtracts.hit(n, noise.duplicate());
        for (int copy = 0; copy < (duplicate ? 2 : 1); copy++) {
            String name = PeopleExtracts.hit(n, noise.typo()) ? Corruptor.typo(productName, n) : productName;
            String mst = PeopleExtracts.hit(n, noise.idError()) ? Corruptor.idError(taxCode, n) : taxCode;
            if (PeopleExtracts.hit(n, noise.missingField())) {
                mst = null;
            }
            String id = "SP" + Ids.pad(products.records + 1, 9);
            products.begin()
                    .add(id)
                    .add(gtin)
                    .add(name)
                    .add(sector.productCategory())
                    .add(mst)
                    .add(producer)
                    .add(Dates.iso(announced))
                    .end();
            truth.link(products, id, TruthLinks.PRODUCT, productId);
        }
    }

    /** Quarterly VAT returns (form 01/GTGT) from 2023 or registration, filed within 30 days of quarter end. */
    private void writeFilings(
            SplittableRandom r, String businessId, String taxCode, LocalDate registered, String status) {
        double scale = Math.exp(17.5 + 1.5 * r.nextGaussian());
        LocalDate quarter = registered.isAfter(FILINGS_FROM)
                ? LocalDate.of(registered.getYear(), (registered.getMonthValue() - 1) / 3 * 3 + 1, 1)
                : FILINGS_FROM;
        LocalDate stop = status.equals("Đã giải thể")
                ? PopulationModel.between(r, quarter, PopulationModel.REFERENCE_DATE)
                : PopulationModel.REFERENCE_DATE;
        SplittableRandom n = filingNoise;
        for (; !quarter.plusMonths(3).isAfter(stop); quarter = quarter.plusMonths(3)) {
            long amount = Math.round(scale * Math.exp(0.3 * r.nextGaussian()) / 1000) * 1000;
            LocalDate filed = quarter.plusMonths(3).plusDays(r.nextInt(30));
            String period = "Q" + ((quarter.getMonthValue() - 1) / 3 + 1) + "/" + quarter.getYear();
            boolean duplicate = PeopleExtracts.hit(n, noise.duplicate());
            for (int copy = 0; copy < (duplicate ? 2 : 1); copy++) {
                String mst = PeopleExtracts.hit(n, noise.idError()) ? Corruptor.idError(taxCode, n) : taxCode;
                LocalDate shown = PeopleExtracts.hit(n, noise.dayMonthSwap()) ? Corruptor.swapDayMonth(filed) : filed;
                String id = "TK" + Ids.pad(filings.records + 1, 10);
                filings.begin()
                        .add(id)
                        .add(mst)
                        .add(period)
                        .add("01/GTGT")
                        .add(amount)
                        .add(Dates.vietnamese(shown))
                        .end();
                truth.link(filings, id, TruthLinks.BUSINESS, businessId);
            }
            people.activity("tax_filing", filed, null, businessId, null, period + " " + amount);
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            registry.close();
            duckdb.close();
        } finally {
            for (Extract e : List.of(truthBusinesses, truthProducts, products, filings)) {
                e.close();
            }
        }
    }
}

package vn.datafloor.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import vn.datafloor.integration.reference.AdminUnits;

/**
 * Generates a synthetic Vietnamese population, the extracts several fictional agencies hold about it, and
 * the ground truth linking every extract record to its true person, business or product. See docs/synth.md.
 *
 * <p>Output is streamed: besides the current row, memory holds two longs per household (the head's person
 * index and CCCD, so the business phase can regenerate owners from the seed instead of keeping people;
 * at most 64 MB for 10 million people) and the CCCD serial counters (240 KB).
 * The same options give byte-identical CSV and JSONL files; the DuckDB file holds identical rows, but its
 * bytes are DuckDB's business.
 */
public final class SyntheticPopulation {

    private SyntheticPopulation() {}

    public static Summary generate(SynthOptions options, Path outDir, ProgressListener progress) {
        try {
            Files.createDirectories(outDir);
            return new Run(options, outDir, progress == null ? ProgressListener.NONE : progress).run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("Writing the business registry failed: " + e.getMessage(), e);
        }
    }

    /** Businesses per person: about one registered enterprise per hundred people, as in Vietnam. */
    static long businessCount(long people) {
        return Math.max(5, Math.round(people * 0.01));
    }

    private static final class Run {
        private final SynthOptions options;
        private final Path out;
        private final ProgressListener progress;
        private final Places places = new Places(AdminUnits.builtIn());
        private final long businesses;
        private final PopulationModel model;
        private final int[] cccdSerials = new int[100 * 6 * 100];
        private long[] headIndex = new long[1024];
        private long[] headCccd = new long[1024];
        private long households;

        Run(SynthOptions options, Path out, ProgressListener progress) {
            this.options = options;
            this.out = out;
            this.progress = progress;
            this.businesses = businessCount(options.people());
            this.model = new PopulationModel(options.seed(), places, businesses);
        }

        Summary run() throws IOException, SQLException {
            long people = options.people();
            long step = Math.max(1, Math.min(10_000, people / 100));
            Map<String, Long> records = new LinkedHashMap<>();
            List<Extract> manifestExtracts;
            long registryRecords;
            long products;
            long unencodable;
            try (TruthLinks truth = new TruthLinks(out);
                    PeopleExtracts extracts = new PeopleExtracts(out, places, options.noise(), options.seed(), truth)) {
                long next = 0;
                long reported = 0;
                while (next < people) {
                    List<Person> members = model.household(households, next, people - next, this::issueCccd);
                    remember(households, next, members.get(0).cccd());
                    for (Person p : members) {
                        extracts.write(p);
                    }
                    next += members.size();
                    households++;
                    if (next - reported >= step) {
                        progress.progress(next, people);
                        reported = next;
                    }
                }
                try (BusinessExtracts business =
                        new BusinessExtracts(out, places, options.noise(), options.seed(), truth, extracts)) {
                    for (long k = 0; k < businesses; k++) {
                        SplittableRandom pick = new SplittableRandom(Ids.mix(options.seed() ^ 0x0EA7L, k));
                        long h;
                        Person owner;
                        int attempts = 0;
                        do {
                            h = pick.nextLong(households);
                            owner = model.household(h, headIndex[(int) h], people - headIndex[(int) h], null)
                                    .get(0);
                        } while (!canOwn(owner) && ++attempts < 20);
                        business.write(k, owner, Ids.pad(headCccd[(int) h], 12));
                    }
                    manifestExtracts = List.of(
                            extracts.civil,
                            extracts.tax,
                            business.filings,
                            extracts.insured,
                            extracts.patients,
                            extracts.visits,
                            business.products,
                            extracts.truthPeople,
                            business.truthBusinesses,
                            business.truthProducts,
                            truth.links,
                            extracts.activities);
                    registryRecords = business.registryRecords;
                    products = business.productCount;
                }
                unencodable = extracts.cp1258.replaced();
                progress.progress(people, people);
            }
            for (Extract e : manifestExtracts) {
                if (!e.relativePath.startsWith("truth/")) {
                    records.put(e.source, e.records);
                }
            }
            records.put(BusinessExtracts.REGISTRY_SOURCE, registryRecords);
            Manifest.write(out, options, manifestExtracts, registryRecords, unencodable);
            return new Summary(out, people, households, businesses, products, records, unencodable);
        }

        /** An owner registers at 20 or later and before dying, so the dates in truth stay consistent. */
        private static boolean canOwn(Person owner) {
            LocalDate twenty = owner.birthDate().plusYears(20);
            return !twenty.isAfter(PopulationModel.REFERENCE_DATE) && owner.aliveOn(twenty);
        }

        private void remember(long h, long firstIndex, String cccd) {
            if (h >= headIndex.length) {
                int size = (int) Math.min(Integer.MAX_VALUE - 8, headIndex.length * 2L);
                headIndex = Arrays.copyOf(headIndex, size);
                headCccd = Arrays.copyOf(headCccd, size);
            }
            headIndex[(int) h] = firstIndex;
            headCccd[(int) h] = Long.parseLong(cccd);
        }

        /**
         * The six "random" digits: a per-bucket serial (bucket = province, century/sex, year) through a
         * bijection mod 10⁶ with a seed-dependent offset, so numbers look random but never repeat.
         */
        private String issueCccd(String provinceCode3, int centuryAndSex, int yearOfCentury) {
            int bucket = (Integer.parseInt(provinceCode3) % 100) * 600 + centuryAndSex * 100 + yearOfCentury;
            int serial = cccdSerials[bucket]++;
            if (serial >= 1_000_000) {
                throw new IllegalStateException("More than a million people in one CCCD bucket: " + bucket);
            }
            long offset = Math.floorMod(Ids.mix(options.seed(), 1_000_000L + bucket), 1_000_000L);
            long six = (serial * 7_919L + offset) % 1_000_000L;
            return provinceCode3 + centuryAndSex + (yearOfCentury < 10 ? "0" : "") + yearOfCentury + Ids.pad(six, 6);
        }
    }
}

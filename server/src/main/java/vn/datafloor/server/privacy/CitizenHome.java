package vn.datafloor.server.privacy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.catalog.CatalogService;
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.integration.DatasetService;
import vn.datafloor.server.linkage.RegisterService;
import vn.datafloor.server.platform.ProblemException;

/**
 * What the signed-in citizen sees about themself: who accessed their data (with proofs) and the data
 * the agencies hold about them. Every read is by the citizen's own identity number (the login name of
 * a citizen account) and the register ids linked to it, never by an id the request names; so a citizen
 * can only ever reach their own data, and another citizen's access is simply not found.
 */
@Service
public class CitizenHome {

    /** The register's attributes, in the order the page shows them. */
    static final List<String> ATTRIBUTES =
            List.of("full_name", "birth_date", "sex", "personal_id", "phone", "commune_code", "province_code");

    private final AccessIndex index;
    private final RegisterService register;
    private final DatasetService datasets;
    private final OrganisationService organisations;
    private final AccessPolicy policy;
    private final CatalogService catalog;

    public CitizenHome(
            AccessIndex index,
            RegisterService register,
            DatasetService datasets,
            OrganisationService organisations,
            AccessPolicy policy,
            CatalogService catalog) {
        this.index = index;
        this.register = register;
        this.datasets = datasets;
        this.organisations = organisations;
        this.policy = policy;
        this.catalog = catalog;
    }

    /**
     * An access's dataset as the citizen reads it: the catalog's title (the access names the product's
     * catalog entry, or a lake dataset), asked as the platform; the name itself when the catalog has none.
     */
    public String datasetTitle(String dataset, boolean english) {
        if (dataset == null) {
            return "";
        }
        return catalog.find(Actor.SYSTEM, dataset)
                .or(() -> catalog.forDataset(dataset))
                .map(e -> e.title(english))
                .filter(t -> t != null && !t.isBlank())
                .orElse(dataset);
    }

    /** A date the register holds (ISO) as people write it: 29/06/1976; anything else as it is. */
    public String dayOf(String isoDate) {
        try {
            return java.time.LocalDate.parse(isoDate)
                    .format(java.time.format.DateTimeFormatter.ofPattern("dd/MM/yyyy"));
        } catch (RuntimeException notADate) {
            return isoDate;
        }
    }

    /** A page of accesses, newest first, and how many there are in all. */
    public record AccessPage(List<AccessIndex.SubjectAccess> accesses, int page, int size, long total) {
        public boolean hasNext() {
            return (long) (page + 1) * size < total;
        }

        public boolean hasPrevious() {
            return page > 0;
        }
    }

    public AccessPage accesses(Actor actor, int page, int size) {
        policy.require(actor, Action.VIEW_OWN_ACCESSES);
        int pageSize = Math.max(1, Math.min(size, 100));
        int pageNumber = Math.max(0, page);
        Set<String> ids = subjectIds(actor);
        return new AccessPage(
                index.accessesOf(ids, pageSize, pageNumber * pageSize),
                pageNumber,
                pageSize,
                index.countAccessesOf(ids));
    }

    /** One of the citizen's accesses; 404 for an access that did not touch them. */
    public AccessIndex.SubjectAccess access(Actor actor, long accessId) {
        policy.require(actor, Action.VIEW_OWN_ACCESSES);
        return index.accessOf(accessId, subjectIds(actor))
                .orElseThrow(() -> ProblemException.notFound("No access " + accessId + " of yours"));
    }

    /** The proof of one of the citizen's accesses; 404 for an access that did not touch them. */
    public AccessProof proof(Actor actor, long accessId) {
        policy.require(actor, Action.VIEW_OWN_ACCESSES);
        return index.proofFor(accessId, subjectIds(actor));
    }

    /** One value the register holds about the citizen and where it came from. */
    public record HeldValue(String attribute, String value, String sourceDataset, String agency) {}

    /** A source record of an agency linked to the citizen. */
    public record SourceRecord(String dataset, int version, String recordId, String agency) {}

    /** The citizen's entry in the register: values with their sources, and every linked source record. */
    public record HeldData(String entityId, List<HeldValue> values, List<SourceRecord> sources) {}

    public List<HeldData> data(Actor actor) {
        policy.require(actor, Action.VIEW_OWN_DATA);
        Map<String, Long> owners = datasets.allWithOwners();
        List<HeldData> held = new ArrayList<>();
        for (RegisterService.OwnRecord own : register.ownRecords(actor)) {
            RegisterService.Entity e = own.entity();
            Map<String, String> values = new java.util.HashMap<>();
            values.put("full_name", e.fullName());
            values.put(
                    "birth_date", e.birthDate() == null ? null : e.birthDate().toString());
            values.put("sex", e.sex());
            values.put("personal_id", e.personalId());
            values.put("phone", e.phone());
            values.put("commune_code", e.communeCode());
            values.put("province_code", e.provinceCode());
            List<HeldValue> fields = new ArrayList<>();
            for (String attribute : ATTRIBUTES) {
                String value = values.get(attribute);
                if (value == null) {
                    continue;
                }
                String source =
                        datasetOf(e.provenance() == null ? null : e.provenance().get(attribute));
                fields.add(new HeldValue(attribute, value, source, agencyOf(source, owners)));
            }
            List<SourceRecord> sources = own.members().stream()
                    .map(m -> new SourceRecord(m.dataset(), m.version(), m.recordId(), agencyOf(m.dataset(), owners)))
                    .toList();
            held.add(new HeldData(e.id(), fields, sources));
        }
        return held;
    }

    /** The ids the index may know the citizen by: the identity number and the register's entity ids. */
    Set<String> subjectIds(Actor actor) {
        Set<String> ids = new LinkedHashSet<>();
        String citizenId = actor.username();
        if (citizenId != null && citizenId.matches("\\d{12}")) {
            ids.add(citizenId);
        }
        for (RegisterService.OwnRecord own : register.ownRecords(actor)) {
            ids.add(own.entity().id());
        }
        if (ids.isEmpty()) {
            throw ProblemException.notFound("No identity number on this account");
        }
        return ids;
    }

    /** Provenance reads "dataset vN #record"; the dataset is what names the agency. */
    static String datasetOf(String provenance) {
        if (provenance == null || provenance.isBlank()) {
            return null;
        }
        int v = provenance.lastIndexOf(" v");
        return v > 0 ? provenance.substring(0, v) : provenance;
    }

    private String agencyOf(String dataset, Map<String, Long> owners) {
        if (dataset == null) {
            return null;
        }
        Long org = owners.get(dataset);
        return org == null
                ? null
                : organisations.find(org).map(Organisation::name).orElse(null);
    }
}

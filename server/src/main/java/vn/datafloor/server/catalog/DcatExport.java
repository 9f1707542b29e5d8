package vn.datafloor.server.catalog;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.jena.datatypes.xsd.XSDDatatype;
import org.apache.jena.rdf.model.Literal;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.ModelFactory;
import org.apache.jena.rdf.model.Property;
import org.apache.jena.rdf.model.Resource;
import org.apache.jena.rdf.model.ResourceFactory;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.riot.RDFFormat;
import org.apache.jena.vocabulary.DCAT;
import org.apache.jena.vocabulary.DCTerms;
import org.apache.jena.vocabulary.RDF;
import org.apache.jena.vocabulary.RDFS;
import org.apache.jena.vocabulary.SKOS;
import org.apache.jena.vocabulary.VCARD4;
import org.apache.jena.vocabulary.XSD;
import org.springframework.stereotype.Component;
import vn.datafloor.integration.reference.AdminUnits;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.platform.DatafloorProperties;

/**
 * The public catalog in DCAT-AP 3 (https://semiceu.github.io/DCAT-AP/releases/3.0.0/): one
 * {@code dcat:Catalog} with a {@code dcat:Dataset} for every entry anyone may read, its distributions,
 * publisher, contact point and the EU vocabularies (data themes, frequencies, file types, access
 * rights) European harvesters file datasets by. Every node that a DCAT-AP shape checks with
 * {@code sh:class} carries its {@code rdf:type}, because validators and most harvesters infer nothing.
 * docs/dcat.md has the mapping, field by field.
 */
@Component
class DcatExport {

    static final String DQV = "http://www.w3.org/ns/dqv#";
    static final String FOAF_NS = "http://xmlns.com/foaf/0.1/";
    static final String EU = "http://publications.europa.eu/resource/authority/";
    static final String IANA = "https://www.iana.org/assignments/media-types/";

    /** The prefixes of both serialisations; JSON-LD uses them as its compacting context. */
    static final Map<String, String> PREFIXES = Map.ofEntries(
            Map.entry("dcat", DCAT.NS),
            Map.entry("dct", DCTerms.NS),
            Map.entry("foaf", FOAF_NS),
            Map.entry("vcard", VCARD4.NS),
            Map.entry("skos", SKOS.uri),
            Map.entry("dqv", DQV),
            Map.entry("rdf", RDF.uri),
            Map.entry("rdfs", RDFS.uri),
            Map.entry("xsd", XSD.NS));

    /** How long clients may keep the export, and the longest the server keeps one rendering. */
    static final Duration MAX_AGE = Duration.ofMinutes(5);

    /** The two serialisations, with their media types and Jena writers. */
    enum Syntax {
        TURTLE("text/turtle", RDFFormat.TURTLE_PRETTY),
        JSON_LD("application/ld+json", RDFFormat.JSONLD11_PRETTY);

        private final String mediaType;
        private final RDFFormat format;

        Syntax(String mediaType, RDFFormat format) {
            this.mediaType = mediaType;
            this.format = format;
        }

        String mediaType() {
            return mediaType;
        }
    }

    private final CatalogService catalog;
    private final CatalogStore store;
    private final OrganisationService organisations;
    private final String baseUrl;
    private final Clock clock;
    private final Map<Syntax, Rendering> renderings = new ConcurrentHashMap<>();

    DcatExport(
            CatalogService catalog,
            CatalogStore store,
            OrganisationService organisations,
            DatafloorProperties properties,
            Clock clock) {
        this.catalog = catalog;
        this.store = store;
        this.organisations = organisations;
        this.baseUrl = properties.publicUrl();
        this.clock = clock;
    }

    /** The catalog's RDF, built now from the public entries. */
    Model model() {
        Operator operator = organisations
                .operatorId()
                .flatMap(organisations::find)
                .map(o -> new Operator(o.id(), o.name()))
                .orElse(null);
        return build(catalog.publicEntries(), operator, baseUrl, clock.instant(), AdminUnits.builtIn());
    }

    private record Rendering(String fingerprint, Instant madeAt, byte[] bytes) {}

    /**
     * The catalog serialised. Building it reads every public entry's versions in the lake, so the bytes
     * are kept while the public entries are unchanged (one read of the catalog table tells), and at
     * most {@link #MAX_AGE}: publisher names and the like change without touching an entry.
     */
    byte[] render(Syntax syntax) {
        String fingerprint = fingerprint();
        Instant now = clock.instant();
        Rendering cached = renderings.get(syntax);
        if (cached != null
                && cached.fingerprint().equals(fingerprint)
                && cached.madeAt().plus(MAX_AGE).isAfter(now)) {
            return cached.bytes();
        }
        byte[] bytes = serialise(model(), syntax);
        renderings.put(syntax, new Rendering(fingerprint, now, bytes));
        return bytes;
    }

    static byte[] serialise(Model model, Syntax syntax) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RDFDataMgr.write(out, model, syntax.format);
        return out.toByteArray();
    }

    /** Which entries are public and when each last changed: any edit, publication or new version touches it. */
    private String fingerprint() {
        StringBuilder print = new StringBuilder();
        for (CatalogEntry e : store.headers()) {
            if (e.publicMetadata()) {
                print.append(e.id()).append('@').append(e.updatedAt()).append(';');
            }
        }
        return print.toString();
    }

    // ------------------------------------------------------------------ the graph

    /** The operator organisation, which publishes the catalog itself; null before one exists. */
    record Operator(long id, String name) {}

    /** Builds the catalog graph; pure, so tests and tools can call it without the application. */
    static Model build(List<CatalogEntry> entries, Operator operator, String baseUrl, Instant now, AdminUnits units) {
        return new CatalogGraph(stripSlash(baseUrl), units).catalog(entries, operator, now);
    }

    private static String stripSlash(String url) {
        String base = Objects.requireNonNull(url, "datafloor.public-url is not set");
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    static String datasetIri(String base, String slug) {
        return base + "/catalog/datasets/" + slug;
    }

    static String downloadUrl(String base, String slug, String format) {
        return datasetIri(base, slug) + "/download?format=" + format;
    }

    /** The EU file type and the IANA media type of each download format. */
    record FileType(String euFileType, String mediaType) {}

    static final Map<String, FileType> FILE_TYPES = Map.of(
            "csv", new FileType("CSV", "text/csv"),
            "parquet", new FileType("PARQUET", "application/vnd.apache.parquet"),
            "json", new FileType("JSON", "application/json"));

    /** English labels of the EU data themes (http://publications.europa.eu/resource/authority/data-theme). */
    static final Map<String, String> EU_THEME_LABELS = Map.ofEntries(
            Map.entry("AGRI", "Agriculture, fisheries, forestry and food"),
            Map.entry("ECON", "Economy and finance"),
            Map.entry("EDUC", "Education, culture and sport"),
            Map.entry("ENER", "Energy"),
            Map.entry("ENVI", "Environment"),
            Map.entry("GOVE", "Government and public sector"),
            Map.entry("HEAL", "Health"),
            Map.entry("INTR", "International issues"),
            Map.entry("JUST", "Justice, legal system and public safety"),
            Map.entry("REGI", "Regions and cities"),
            Map.entry("SOCI", "Population and society"),
            Map.entry("TECH", "Science and technology"),
            Map.entry("TRAN", "Transport"));

    private static final class CatalogGraph {

        private static final Property VERSION = ResourceFactory.createProperty(DCAT.NS, "version");
        private static final Property FOAF_NAME = ResourceFactory.createProperty(FOAF_NS, "name");
        private static final Property FOAF_HOMEPAGE = ResourceFactory.createProperty(FOAF_NS, "homepage");
        private static final Property FOAF_PAGE = ResourceFactory.createProperty(FOAF_NS, "page");
        private static final Resource FOAF_AGENT = ResourceFactory.createResource(FOAF_NS + "Agent");
        private static final Resource FOAF_ORGANIZATION = ResourceFactory.createResource(FOAF_NS + "Organization");
        private static final Resource FOAF_DOCUMENT = ResourceFactory.createResource(FOAF_NS + "Document");
        private static final Property HAS_QUALITY_MEASUREMENT =
                ResourceFactory.createProperty(DQV, "hasQualityMeasurement");
        private static final Property IS_MEASUREMENT_OF = ResourceFactory.createProperty(DQV, "isMeasurementOf");
        private static final Property COMPUTED_ON = ResourceFactory.createProperty(DQV, "computedOn");
        private static final Property VALUE = ResourceFactory.createProperty(DQV, "value");
        private static final Property EXPECTED_DATA_TYPE = ResourceFactory.createProperty(DQV, "expectedDataType");
        private static final Resource QUALITY_MEASUREMENT = ResourceFactory.createResource(DQV + "QualityMeasurement");
        private static final Resource METRIC = ResourceFactory.createResource(DQV + "Metric");

        private final String base;
        private final AdminUnits units;
        private final Model m = ModelFactory.createDefaultModel();

        CatalogGraph(String base, AdminUnits units) {
            this.base = base;
            this.units = units;
            m.setNsPrefixes(PREFIXES);
        }

        Model catalog(List<CatalogEntry> entries, Operator operator, Instant now) {
            Resource catalog = m.createResource(base + "/catalog", DCAT.Catalog);
            String publisherVi = operator == null ? "Datafloor" : operator.name();
            catalog.addProperty(DCTerms.title, "Danh mục dữ liệu Datafloor", "vi")
                    .addProperty(DCTerms.title, "Datafloor data catalogue", "en")
                    .addProperty(
                            DCTerms.description,
                            "Dữ liệu mở và dữ liệu chia sẻ có điều kiện của cơ quan nhà nước và doanh nghiệp"
                                    + " trên nền tảng dữ liệu quốc gia, do " + publisherVi + " công bố.",
                            "vi")
                    .addProperty(
                            DCTerms.description,
                            "Open data, and data shared on conditions, of state agencies and enterprises"
                                    + " on the national data platform, published by " + publisherVi + ".",
                            "en")
                    .addProperty(
                            DCTerms.publisher,
                            operator == null
                                    ? agent(base + "/", "Datafloor")
                                    : agent(base + "/organisations/" + operator.id(), operator.name()))
                    .addProperty(FOAF_HOMEPAGE, typed(base + "/", FOAF_DOCUMENT))
                    .addProperty(DCTerms.language, language("VIE"))
                    .addProperty(DCTerms.language, language("ENG"))
                    .addProperty(
                            DCTerms.spatial,
                            typed(EU + "country/VNM", DCTerms.Location)
                                    .addProperty(SKOS.prefLabel, "Việt Nam", "vi")
                                    .addProperty(SKOS.prefLabel, "Viet Nam", "en"))
                    .addProperty(DCAT.themeTaxonomy, euThemeScheme())
                    .addProperty(DCAT.themeTaxonomy, themeScheme());
            Instant modified = null;
            for (CatalogEntry entry : entries) {
                catalog.addProperty(DCAT.dataset, dataset(entry));
                Instant changed = lastChange(entry);
                if (changed != null && (modified == null || changed.isAfter(modified))) {
                    modified = changed;
                }
            }
            catalog.addLiteral(DCTerms.modified, dateTime(modified == null ? now : modified));
            return m;
        }

        private Resource dataset(CatalogEntry e) {
            Resource dataset = m.createResource(datasetIri(base, e.slug()), DCAT.Dataset)
                    .addProperty(DCTerms.identifier, e.slug());
            text(dataset, DCTerms.title, e.titleVi(), e.titleEn());
            text(dataset, DCTerms.description, e.descriptionVi(), e.descriptionEn());
            Resource publisher = agent(base + "/organisations/" + e.orgId(), e.publisher());
            dataset.addProperty(DCTerms.publisher, publisher);
            Resource contact = m.createResource(VCARD4.Kind)
                    .addProperty(VCARD4.fn, e.contactName() != null ? e.contactName() : e.publisher());
            if (e.contactEmail() != null) {
                contact.addProperty(VCARD4.hasEmail, m.createResource("mailto:" + e.contactEmail()));
            }
            dataset.addProperty(DCAT.contactPoint, contact);
            for (String code : e.themes()) {
                CatalogVocabulary.Theme.ofCode(code)
                        .ifPresent(theme -> dataset.addProperty(DCAT.theme, euTheme(theme.euThemeUri()))
                                .addProperty(DCAT.theme, theme(theme)));
            }
            for (String keyword : e.keywords()) {
                dataset.addProperty(DCAT.keyword, keyword, "vi");
            }
            for (String code : e.spatial()) {
                dataset.addProperty(DCTerms.spatial, unit(code));
            }
            if (e.temporalStart() != null || e.temporalEnd() != null) {
                Resource period = m.createResource(DCTerms.PeriodOfTime);
                if (e.temporalStart() != null) {
                    period.addLiteral(DCAT.startDate, date(e.temporalStart()));
                }
                if (e.temporalEnd() != null) {
                    period.addLiteral(DCAT.endDate, date(e.temporalEnd()));
                }
                dataset.addProperty(DCTerms.temporal, period);
            }
            CatalogVocabulary.Frequency.ofCode(e.frequency())
                    .ifPresent(f -> dataset.addProperty(
                            DCTerms.accrualPeriodicity,
                            typed(f.euFrequencyUri(), DCTerms.Frequency)
                                    .addProperty(SKOS.prefLabel, f.label(false), "vi")
                                    .addProperty(SKOS.prefLabel, f.label(true), "en")));
            if (e.publishedAt() != null) {
                dataset.addLiteral(DCTerms.issued, dateTime(e.publishedAt()));
            }
            Instant modified = lastChange(e);
            if (modified != null) {
                dataset.addLiteral(DCTerms.modified, dateTime(modified));
            }
            Resource page = typed(datasetIri(base, e.slug()), FOAF_DOCUMENT);
            dataset.addProperty(DCAT.landingPage, page);
            if (e.documentationUrl() != null) {
                dataset.addProperty(FOAF_PAGE, typed(e.documentationUrl(), FOAF_DOCUMENT));
            }
            dataset.addProperty(DCTerms.accessRights, accessRights(e.sharing()));
            dataset.addProperty(DCTerms.language, language("VIE"));
            Resource licence = CatalogVocabulary.Licence.ofCode(e.licence())
                    .map(this::licence)
                    .orElse(null);
            if (e.open()) {
                for (String format : CatalogVocabulary.FORMATS) {
                    dataset.addProperty(DCAT.distribution, download(e, format, licence));
                }
            } else {
                dataset.addProperty(DCAT.distribution, onRequest(e, licence));
            }
            if (e.latest() != null) {
                dataset.addProperty(VERSION, Integer.toString(e.latest().version()));
                if (e.latest().quality() != null) {
                    dataset.addProperty(
                            HAS_QUALITY_MEASUREMENT,
                            m.createResource(QUALITY_MEASUREMENT)
                                    .addProperty(IS_MEASUREMENT_OF, qualityMetric())
                                    .addProperty(COMPUTED_ON, dataset)
                                    .addLiteral(
                                            VALUE,
                                            m.createTypedLiteral(e.latest().quality())));
                }
            }
            return dataset;
        }

        /** Open data: one distribution per download format, straight from the platform. */
        private Resource download(CatalogEntry e, String format, Resource licence) {
            FileType type = FILE_TYPES.get(format);
            String url = downloadUrl(base, e.slug(), format);
            Resource distribution =
                    m.createResource(datasetIri(base, e.slug()) + "/distributions/" + format, DCAT.Distribution);
            text(
                    distribution,
                    DCTerms.title,
                    e.titleVi() + " (" + type.euFileType() + ")",
                    e.titleEn() == null || e.titleEn().isBlank() ? null : e.titleEn() + " (" + type.euFileType() + ")");
            distribution
                    .addProperty(DCAT.accessURL, typed(url, RDFS.Resource))
                    .addProperty(DCAT.downloadURL, typed(url, RDFS.Resource))
                    .addProperty(
                            DCTerms.format, typed(EU + "file-type/" + type.euFileType(), DCTerms.MediaTypeOrExtent))
                    .addProperty(DCAT.mediaType, typed(IANA + type.mediaType(), DCTerms.MediaType));
            if (licence != null) {
                distribution.addProperty(DCTerms.license, licence);
            }
            if (e.latest() != null) {
                distribution.addLiteral(DCTerms.modified, dateTime(e.latest().createdAt()));
            }
            return distribution;
        }

        /** Shared data: access is requested on the dataset's page and granted under an exchange contract. */
        private Resource onRequest(CatalogEntry e, Resource licence) {
            Resource distribution = m.createResource(
                            datasetIri(base, e.slug()) + "/distributions/exchange", DCAT.Distribution)
                    .addProperty(DCTerms.title, "Truy cập theo hợp đồng trên sàn dữ liệu", "vi")
                    .addProperty(DCTerms.title, "Access under a contract on the data exchange", "en")
                    .addProperty(
                            DCTerms.description,
                            "Yêu cầu quyền truy cập trên trang của tập dữ liệu; dữ liệu được cung cấp"
                                    + " theo điều khoản của hợp đồng.",
                            "vi")
                    .addProperty(
                            DCTerms.description,
                            "Request access on the dataset's page; the data is delivered as the"
                                    + " contract's terms allow.",
                            "en")
                    .addProperty(DCAT.accessURL, typed(datasetIri(base, e.slug()), RDFS.Resource));
            if (licence != null) {
                distribution.addProperty(DCTerms.license, licence);
            }
            return distribution;
        }

        private Resource agent(String iri, String name) {
            return m.createResource(iri, FOAF_AGENT)
                    .addProperty(RDF.type, FOAF_ORGANIZATION)
                    .addProperty(FOAF_NAME, name, "vi");
        }

        private Resource euTheme(String iri) {
            String code = iri.substring(iri.lastIndexOf('/') + 1);
            return typed(iri, SKOS.Concept)
                    .addProperty(SKOS.prefLabel, EU_THEME_LABELS.getOrDefault(code, code), "en")
                    .addProperty(SKOS.inScheme, euThemeScheme());
        }

        private Resource euThemeScheme() {
            return typed(EU + "data-theme", SKOS.ConceptScheme).addProperty(DCTerms.title, "Data theme", "en");
        }

        /** The platform's own, finer theme, with its Vietnamese name; the EU theme it is filed under is broader. */
        private Resource theme(CatalogVocabulary.Theme theme) {
            return typed(base + "/catalog/themes/" + theme.code(), SKOS.Concept)
                    .addProperty(SKOS.prefLabel, theme.vi(), "vi")
                    .addProperty(SKOS.prefLabel, theme.en(), "en")
                    .addProperty(SKOS.inScheme, themeScheme())
                    .addProperty(SKOS.broadMatch, m.createResource(theme.euThemeUri()));
        }

        private Resource themeScheme() {
            return typed(base + "/catalog/themes", SKOS.ConceptScheme)
                    .addProperty(DCTerms.title, "Chủ đề dữ liệu Datafloor", "vi")
                    .addProperty(DCTerms.title, "Datafloor themes", "en");
        }

        /** A province (2 digits) or commune (5 digits) of the list in force since 2025-07-01. */
        private Resource unit(String code) {
            return typed(base + "/units/" + code, DCTerms.Location)
                    .addProperty(DCTerms.identifier, code)
                    .addProperty(SKOS.prefLabel, unitName(units, code), "vi");
        }

        private Resource accessRights(String sharing) {
            String right = switch (sharing == null ? "private" : sharing) {
                case "open" -> "PUBLIC";
                case "shared" -> "RESTRICTED";
                default -> "NON_PUBLIC";
            };
            return typed(EU + "access-right/" + right, DCTerms.RightsStatement)
                    .addProperty(
                            SKOS.prefLabel,
                            right.toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                            "en");
        }

        private Resource licence(CatalogVocabulary.Licence licence) {
            return typed(licence.url(), DCTerms.LicenseDocument)
                    .addProperty(RDFS.label, licence.label(false), "vi")
                    .addProperty(RDFS.label, licence.label(true), "en");
        }

        private Resource language(String code) {
            return typed(EU + "language/" + code, DCTerms.LinguisticSystem);
        }

        private Resource qualityMetric() {
            return typed(base + "/catalog/metrics/quality-score", METRIC)
                    .addProperty(
                            SKOS.definition,
                            "Điểm chất lượng tổng hợp (0–100) của phiên bản mới nhất: tỷ lệ bản ghi"
                                    + " đạt các quy tắc kiểm tra, trung bình theo các chiều chất lượng.",
                            "vi")
                    .addProperty(
                            SKOS.definition,
                            "Overall quality score (0-100) of the latest version: the share of rows that"
                                    + " passed the pipeline's checks, averaged over the quality dimensions.",
                            "en")
                    .addProperty(EXPECTED_DATA_TYPE, XSD.xdouble);
        }

        private Resource typed(String iri, Resource type) {
            return m.createResource(iri).addProperty(RDF.type, type);
        }

        private static void text(Resource subject, Property property, String vi, String en) {
            if (vi != null && !vi.isBlank()) {
                subject.addProperty(property, vi, "vi");
            }
            if (en != null && !en.isBlank()) {
                subject.addProperty(property, en, "en");
            }
        }

        private Literal dateTime(Instant instant) {
            return m.createTypedLiteral(instant.truncatedTo(ChronoUnit.SECONDS).toString(), XSDDatatype.XSDdateTime);
        }

        private Literal date(LocalDate date) {
            return m.createTypedLiteral(date.toString(), XSDDatatype.XSDdate);
        }
    }

    /** A province's name, or a commune's with its province ("Ba Đình, Hà Nội"); the code itself if unknown. */
    static String unitName(AdminUnits units, String code) {
        AdminUnits.ListVersion current = AdminUnits.ListVersion.V2025;
        return units.province(current, code)
                .map(AdminUnits.Province::name)
                .or(() -> units.commune(current, code)
                        .map(c -> c.name() + ", "
                                + units.province(current, c.provinceCode())
                                        .map(AdminUnits.Province::name)
                                        .orElse(c.provinceCode())))
                .orElse(code);
    }

    /** The last change of the description or of the data (its newest version), whichever is later. */
    static Instant lastChange(CatalogEntry e) {
        return java.util.stream.Stream.of(
                        e.updatedAt(),
                        e.publishedAt(),
                        e.latest() == null ? null : e.latest().createdAt())
                .filter(Objects::nonNull)
                .max(Comparator.naturalOrder())
                .orElse(null);
    }
}

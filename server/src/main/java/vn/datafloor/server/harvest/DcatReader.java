package vn.datafloor.server.harvest;

import com.apicatalog.jsonld.JsonLdError;
import com.apicatalog.jsonld.JsonLdErrorCode;
import com.apicatalog.jsonld.JsonLdOptions;
import com.apicatalog.jsonld.document.JsonDocument;
import com.apicatalog.jsonld.loader.DocumentLoader;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.jena.datatypes.xsd.XSDDateTime;
import org.apache.jena.graph.Graph;
import org.apache.jena.graph.Triple;
import org.apache.jena.rdf.model.Literal;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.ModelFactory;
import org.apache.jena.rdf.model.RDFNode;
import org.apache.jena.rdf.model.Resource;
import org.apache.jena.rdf.model.Statement;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFParser;
import org.apache.jena.riot.RiotException;
import org.apache.jena.riot.lang.LangJSONLD11;
import org.apache.jena.riot.system.StreamRDF;
import org.apache.jena.riot.system.StreamRDFLib;
import org.apache.jena.riot.system.StreamRDFWrapper;
import org.apache.jena.sparql.graph.GraphFactory;
import org.apache.jena.sparql.util.Context;
import org.apache.jena.vocabulary.DCAT;
import org.apache.jena.vocabulary.DCTerms;
import org.apache.jena.vocabulary.RDF;
import vn.datafloor.server.catalog.RemoteCatalog;

/**
 * Reads a DCAT-AP catalog in Turtle or JSON-LD with Apache Jena: the answer is capped in bytes while
 * it is read, its nesting depth checked before parsing (Jena's parsers recurse into nested blank
 * nodes and JSON), and its triples counted while parsing. A JSON-LD context named by URL is fetched
 * through the same guard and limits, at most a few per document; nothing else is fetched.
 */
final class DcatReader {

    static final String FOAF = "http://xmlns.com/foaf/0.1/";
    static final String VCARD = "http://www.w3.org/2006/vcard/ns#";
    static final String SKOS = "http://www.w3.org/2004/02/skos/core#";

    private DcatReader() {}

    static Harvested read(SourceFetcher fetcher, String url, boolean jsonLd, String publisher) {
        URI uri = URI.create(url.strip());
        byte[] body = fetcher.get(uri, jsonLd ? "application/ld+json" : "text/turtle");
        Model model = parse(fetcher, body, uri.toString(), jsonLd);
        return records(model, publisher, fetcher.limits().maxRecords());
    }

    static Model parse(SourceFetcher fetcher, byte[] body, String base, boolean jsonLd) {
        HarvestLimits limits = fetcher.limits();
        if (jsonLd) {
            fetcher.readJson(body); // the depth and form check; Jena reads the same bytes next
        } else {
            int depth = TurtleDepth.of(body);
            if (depth > limits.maxDepth()) {
                throw new HarvestException(
                        "The document is nested deeper than " + limits.maxDepth() + " levels; it was refused");
            }
        }
        Graph graph = GraphFactory.createDefaultGraph();
        AtomicInteger triples = new AtomicInteger();
        StreamRDF sink = new StreamRDFWrapper(StreamRDFLib.graph(graph)) {
            @Override
            public void triple(Triple triple) {
                if (triples.incrementAndGet() > limits.maxTriples()) {
                    throw new HarvestException(
                            "The document holds more than " + limits.maxTriples() + " triples; it was refused");
                }
                super.triple(triple);
            }
        };
        org.apache.jena.riot.RDFParserBuilder parser = RDFParser.source(new ByteArrayInputStream(body))
                .forceLang(jsonLd ? Lang.JSONLD : Lang.TURTLE)
                .base(base);
        if (jsonLd) {
            Context context = new Context();
            JsonLdOptions options = new JsonLdOptions(new GuardedContextLoader(fetcher));
            context.set(LangJSONLD11.JSONLD_OPTIONS, options);
            parser.context(context);
        }
        try {
            parser.parse(sink);
        } catch (HarvestException e) {
            throw e;
        } catch (RiotException e) {
            if (e.getCause() instanceof HarvestException h) {
                throw h;
            }
            throw new HarvestException("The " + (jsonLd ? "JSON-LD" : "Turtle") + " document could not be read: "
                    + CkanReader.clip(e.getMessage(), 300));
        } catch (StackOverflowError e) {
            throw new HarvestException("The document is nested too deeply; it was refused");
        }
        return ModelFactory.createModelForGraph(graph);
    }

    /**
     * Fetches the contexts a JSON-LD document names by URL through the guard (DSP and DCAT-AP
     * documents name theirs), at most {@link HarvestLimits#maxContexts()} per document.
     */
    private static final class GuardedContextLoader implements DocumentLoader {
        private final SourceFetcher fetcher;
        private int loaded;

        GuardedContextLoader(SourceFetcher fetcher) {
            this.fetcher = fetcher;
        }

        @Override
        public com.apicatalog.jsonld.document.Document loadDocument(
                URI url, com.apicatalog.jsonld.loader.DocumentLoaderOptions options) throws JsonLdError {
            if (++loaded > fetcher.limits().maxContexts()) {
                throw new JsonLdError(
                        JsonLdErrorCode.LOADING_REMOTE_CONTEXT_FAILED,
                        "more than " + fetcher.limits().maxContexts() + " remote contexts");
            }
            try {
                byte[] context = fetcher.get(url, "application/ld+json, application/json");
                fetcher.readJson(context);
                return JsonDocument.of(new ByteArrayInputStream(context));
            } catch (HarvestException e) {
                throw new JsonLdError(
                        JsonLdErrorCode.LOADING_REMOTE_CONTEXT_FAILED,
                        "the context " + url.getHost() + " could not be loaded: " + e.getMessage());
            }
        }
    }

    static Harvested records(Model model, String publisher, int maxRecords) {
        List<RemoteCatalog.RemoteRecord> records = new ArrayList<>();
        int failed = 0;
        List<Resource> datasets =
                model.listResourcesWithProperty(RDF.type, DCAT.Dataset).toList();
        for (Resource ds : datasets) {
            if (records.size() >= maxRecords) {
                return new Harvested(
                        records,
                        failed,
                        false,
                        "The catalog lists " + datasets.size() + " datasets; only the first " + maxRecords
                                + " were read and nothing was removed");
            }
            String id = ds.isURIResource() ? ds.getURI() : text(ds, DCTerms.identifier);
            String title = text(ds, DCTerms.title);
            if (id == null || title == null) {
                failed++;
                continue;
            }
            List<String> keywords = new ArrayList<>();
            for (Statement s : ds.listProperties(DCAT.keyword).toList()) {
                if (s.getObject().isLiteral() && keywords.size() < 30) {
                    keywords.add(CkanReader.clip(s.getString().strip(), 60));
                }
            }
            String landing = iri(ds, DCAT.landingPage);
            if (landing == null && ds.isURIResource() && ds.getURI().matches("(?i)https?://.*")) {
                landing = ds.getURI();
            }
            String licence = iriOrText(ds, DCTerms.license);
            if (licence == null) {
                for (Statement d : ds.listProperties(DCAT.distribution).toList()) {
                    if (d.getObject().isResource()) {
                        licence = iriOrText(d.getResource(), DCTerms.license);
                        if (licence != null) {
                            break;
                        }
                    }
                }
            }
            String agent = agentName(ds.getPropertyResourceValue(DCTerms.publisher));
            records.add(new RemoteCatalog.RemoteRecord(
                    CkanReader.clip(id, 500),
                    "DATASET",
                    CkanReader.clip(title, 1000),
                    CkanReader.clip(text(ds, DCTerms.description), 20_000),
                    CkanReader.clip(agent != null ? agent : publisher, 300),
                    CkanReader.clip(licence, 500),
                    CkanReader.clip(landing, 2000),
                    keywords,
                    instant(ds, DCTerms.modified),
                    null,
                    null,
                    null));
        }
        String note = failed == 0 ? null : failed + " dataset(s) without an identifier or a title; nothing was removed";
        return new Harvested(records, failed, failed == 0, note);
    }

    /** A literal in Vietnamese if there is one, else English, else any. */
    static String text(Resource r, org.apache.jena.rdf.model.Property p) {
        String vi = null;
        String en = null;
        String any = null;
        for (Statement s : r.listProperties(p).toList()) {
            if (!s.getObject().isLiteral()) {
                continue;
            }
            Literal l = s.getLiteral();
            String value = l.getLexicalForm().strip();
            if (value.isEmpty()) {
                continue;
            }
            String lang = l.getLanguage().toLowerCase(Locale.ROOT);
            if (lang.startsWith("vi") && vi == null) {
                vi = value;
            } else if (lang.startsWith("en") && en == null) {
                en = value;
            } else if (any == null) {
                any = value;
            }
        }
        return vi != null ? vi : en != null ? en : any;
    }

    private static String iri(Resource r, org.apache.jena.rdf.model.Property p) {
        for (Statement s : r.listProperties(p).toList()) {
            if (s.getObject().isURIResource()) {
                return s.getResource().getURI();
            }
        }
        return null;
    }

    private static String iriOrText(Resource r, org.apache.jena.rdf.model.Property p) {
        Statement s = r.getProperty(p);
        if (s == null) {
            return null;
        }
        RDFNode o = s.getObject();
        if (o.isURIResource()) {
            return o.asResource().getURI();
        }
        if (o.isLiteral()) {
            return o.asLiteral().getLexicalForm();
        }
        String title = text(o.asResource(), DCTerms.title);
        return title != null ? title : text(o.asResource(), DCTerms.identifier);
    }

    private static String agentName(Resource agent) {
        if (agent == null) {
            return null;
        }
        for (String p : List.of(FOAF + "name", SKOS + "prefLabel", VCARD + "fn")) {
            String name = text(agent, agent.getModel().createProperty(p));
            if (name != null) {
                return name;
            }
        }
        return null;
    }

    private static Instant instant(Resource r, org.apache.jena.rdf.model.Property p) {
        Statement s = r.getProperty(p);
        if (s == null || !s.getObject().isLiteral()) {
            return null;
        }
        Object value;
        try {
            value = s.getLiteral().getValue();
        } catch (RuntimeException e) {
            return null;
        }
        if (value instanceof XSDDateTime dt) {
            try {
                return dt.asCalendar().toInstant();
            } catch (RuntimeException e) {
                return null;
            }
        }
        return null;
    }
}

package vn.datafloor.server.dsp;

import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.exchange.OfferService;
import vn.datafloor.server.exchange.ProductService;

/**
 * The exchange's listing as a DSP catalog: each listed product is a dataset, with the offers the calling
 * organisation may order (its terms as ODRL, {@code hasPolicy}) and one distribution, HTTP-pull through the
 * delivery API. Auctions are sold in their auction room, not over the protocol.
 */
@Service
class DspCatalog {

    static final String PLATFORM = "urn:datafloor:platform";

    private final ProductService products;
    private final OfferService offers;
    private final ParticipantIdentity identity;

    DspCatalog(ProductService products, OfferService offers, ParticipantIdentity identity) {
        this.products = products;
        this.offers = offers;
        this.identity = identity;
    }

    ObjectNode catalog(Actor actor, byte[] body, String base) {
        ProviderProtocol.participant(identity, actor);
        DspJson.read(body, "CatalogRequestMessage");
        ObjectNode catalog = DspJson.message("Catalog");
        catalog.put("@id", PLATFORM + ":catalog");
        catalog.put("participantId", PLATFORM);
        ArrayNode datasets = catalog.putArray("dataset");
        for (ProductService.Product product : products.listed()) {
            dataset(actor, product, base).ifPresent(datasets::add);
        }
        if (datasets.isEmpty()) {
            catalog.remove("dataset");
        }
        catalog.putArray("service").add(service(base));
        return catalog;
    }

    ObjectNode dataset(Actor actor, String id, String base) {
        ProviderProtocol.participant(identity, actor);
        Long number = DspPolicies.number(DspPolicies.DATASET, id);
        ObjectNode dataset = (number == null ? Optional.<ProductService.Product>empty() : products.product(number))
                .filter(p -> p.status() == ProductService.Status.APPROVED)
                .flatMap(p -> dataset(actor, p, base))
                .orElseThrow(() -> DspException.notFound("No dataset " + id + " in this catalog"));
        ObjectNode root = DspJson.message("Dataset");
        dataset.properties().forEach(field -> root.set(field.getKey(), field.getValue()));
        return root;
    }

    private Optional<ObjectNode> dataset(Actor actor, ProductService.Product product, String base) {
        List<OfferService.Offer> orderable = offers.ofProduct(actor, product).stream()
                .filter(o -> o.active() && o.priceModel() != OfferService.PriceModel.AUCTION)
                .toList();
        if (orderable.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode dataset = DspJson.message("Dataset");
        dataset.remove("@context");
        dataset.put("@id", DspPolicies.DATASET + product.id());
        dataset.put("dct:title", product.title());
        if (product.description() != null) {
            dataset.put("dct:description", product.description());
        }
        ArrayNode policies = dataset.putArray("hasPolicy");
        for (OfferService.Offer offer : orderable) {
            ObjectNode policy = DspPolicies.policy(offer.policy(), DspPolicies.OFFER + offer.id(), "Offer");
            policy.put("assigner", identity.participantId(product.orgId()));
            policies.add(policy);
        }
        ObjectNode distribution = dataset.putArray("distribution").addObject();
        distribution.put("@type", "Distribution");
        distribution.put("format", DspPolicies.HTTP_PULL);
        distribution.set("accessService", service(base));
        return Optional.of(dataset);
    }

    private static ObjectNode service(String base) {
        ObjectNode service = DspJson.message("DataService");
        service.remove("@context");
        service.put("@id", PLATFORM + ":dsp");
        service.put("endpointURL", base);
        return service;
    }
}

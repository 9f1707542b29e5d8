package vn.datafloor.server.dsp;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.JsonNode;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.platform.ProblemResponses;

/**
 * The organisation's page in other dataspaces (Datafloor as consumer): the credentials it presents to remote
 * connectors, a remote catalog with a button to negotiate each offer, its negotiations and transfers, a preview of
 * a started transfer's rows, importing them into a dataset of its own and completing the transfer. Every action is
 * the consumer API's (docs/dsp.md), through the same services; a refusal shows on the page with its reason.
 */
@Controller
@Permit(Action.BUY_DATA)
class DspPages {

    /** An offer of a remote catalog as the page lists it; {@code offer} is its JSON, sent back to negotiate it. */
    record RemoteOffer(
            String datasetId, String title, String description, String offerId, String providerId, String offer) {}

    /** Rows of a started transfer shown on the page. */
    record Preview(long transferId, List<String> columns, List<List<String>> rows) {}

    private final ConsumerProtocol consumer;
    private final ConsumerPull pull;
    private final ConsumerImport imports;
    private final DspCredentials credentials;
    private final DspStore store;
    private final DspProtocolController protocol;
    private final ProblemResponses problems;

    DspPages(
            ConsumerProtocol consumer,
            ConsumerPull pull,
            ConsumerImport imports,
            DspCredentials credentials,
            DspStore store,
            DspProtocolController protocol,
            ProblemResponses problems) {
        this.consumer = consumer;
        this.pull = pull;
        this.imports = imports;
        this.credentials = credentials;
        this.store = store;
        this.protocol = protocol;
        this.problems = problems;
    }

    @GetMapping("/dataspace")
    String page(
            Actor actor,
            @RequestParam(name = "connector", required = false) String connector,
            @RequestParam(name = "preview", required = false) Long preview,
            Model model,
            Locale locale) {
        long orgId = organisation(actor);
        model.addAttribute("credentials", credentials.of(orgId));
        model.addAttribute("negotiations", store.negotiationsOf(orgId, 100));
        model.addAttribute("transfers", store.transfersOf(orgId, 100));
        model.addAttribute("connector", connector);
        if (connector != null && !connector.isBlank()) {
            attempt(model, locale, () -> model.addAttribute("offers", offers(consumer.catalog(actor, connector))));
        }
        if (preview != null) {
            attempt(model, locale, () -> model.addAttribute("preview", preview(actor, orgId, preview)));
        }
        return "dsp/dataspace";
    }

    @PostMapping("/dataspace/credentials")
    String credential(
            Actor actor,
            @RequestParam String connectorAddress,
            @RequestParam String authorization,
            RedirectAttributes flash,
            Locale locale) {
        return after(
                flash,
                locale,
                "dsp.page.credentialSet",
                "/dataspace",
                () -> credentials.set(actor, organisation(actor), connectorAddress, authorization));
    }

    @PostMapping("/dataspace/negotiations")
    String negotiate(
            Actor actor,
            @RequestParam String connectorAddress,
            @RequestParam String providerId,
            @RequestParam String offerId,
            @RequestParam String datasetId,
            @RequestParam String offer,
            HttpServletRequest request,
            RedirectAttributes flash,
            Locale locale) {
        return after(
                flash,
                locale,
                "dsp.page.negotiating",
                "/dataspace",
                () -> consumer.negotiate(
                        actor,
                        connectorAddress,
                        providerId,
                        offerId,
                        datasetId,
                        DspJson.parse(offer),
                        protocol.base(request)));
    }

    @PostMapping("/dataspace/transfers")
    String transfer(
            Actor actor,
            @RequestParam long negotiation,
            HttpServletRequest request,
            RedirectAttributes flash,
            Locale locale) {
        long orgId = organisation(actor);
        return after(flash, locale, "dsp.page.transferStarted", "/dataspace", () -> {
            DspStore.Negotiation agreed = store.negotiation(negotiation)
                    .filter(n -> n.orgId() == orgId && n.role() == DspStore.Role.CONSUMER)
                    .orElseThrow(
                            () -> ProblemException.notFound("Your organisation has no negotiation " + negotiation));
            consumer.transfer(
                    actor,
                    agreed.counterpartyAddress(),
                    agreed.agreementId(),
                    DspPolicies.HTTP_PULL,
                    protocol.base(request));
        });
    }

    @PostMapping("/dataspace/transfers/{id}/import")
    @Permit(Action.ACCESS_DATA)
    String importRows(
            Actor actor,
            @PathVariable long id,
            @RequestParam(defaultValue = "") String dataset,
            RedirectAttributes flash,
            Locale locale) {
        long orgId = ownTransfer(actor, id);
        return after(
                flash, locale, "dsp.page.imported", "/dataspace", () -> imports.importRows(actor, orgId, id, dataset));
    }

    @PostMapping("/dataspace/transfers/{id}/completion")
    String complete(Actor actor, @PathVariable long id, RedirectAttributes flash, Locale locale) {
        long orgId = ownTransfer(actor, id);
        return after(flash, locale, "dsp.page.completed", "/dataspace", () -> pull.complete(orgId, id));
    }

    /** The caller's organisation, when the transfer is its own as consumer; another's is not found (404). */
    private long ownTransfer(Actor actor, long transferId) {
        long orgId = organisation(actor);
        boolean own = store.transfer(transferId)
                .filter(t -> t.orgId() == orgId && t.role() == DspStore.Role.CONSUMER)
                .isPresent();
        if (!own) {
            throw ProblemException.notFound("Your organisation has no transfer " + transferId);
        }
        return orgId;
    }

    private Preview preview(Actor actor, long orgId, long transferId) {
        JsonNode body = pull.rows(actor, orgId, transferId, 0, 20).body();
        JsonNode rows = body != null && body.isObject() ? body.get("rows") : body;
        List<String> columns = new ArrayList<>();
        List<List<String>> shown = new ArrayList<>();
        if (rows != null && rows.isArray()) {
            for (JsonNode row : rows) {
                if (row.isObject()) {
                    for (Map.Entry<String, JsonNode> field : row.properties()) {
                        if (!columns.contains(field.getKey()) && columns.size() < 40) {
                            columns.add(field.getKey());
                        }
                    }
                }
            }
            for (JsonNode row : rows) {
                List<String> values = new ArrayList<>();
                for (String column : columns) {
                    JsonNode value = row.get(column);
                    values.add(
                            value == null || value.isNull()
                                    ? ""
                                    : value.isValueNode() ? value.asString() : value.toString());
                }
                shown.add(values);
            }
        }
        return new Preview(transferId, columns, shown);
    }

    /** The offers of a remote catalog: each dataset's policies, with its title and description when it has them. */
    static List<RemoteOffer> offers(JsonNode catalog) {
        List<RemoteOffer> offers = new ArrayList<>();
        JsonNode datasets = catalog == null ? null : catalog.get("dataset");
        if (datasets == null) {
            return offers;
        }
        for (JsonNode dataset : datasets.isArray() ? datasets : List.of(datasets)) {
            String datasetId = dataset.path("@id").asString("");
            String title = firstText(dataset, "dct:title", "title", "name");
            String description = firstText(dataset, "dct:description", "description");
            JsonNode policies = dataset.get("hasPolicy");
            if (policies == null) {
                continue;
            }
            for (JsonNode policy : policies.isArray() ? policies : List.of(policies)) {
                offers.add(new RemoteOffer(
                        datasetId,
                        title == null ? datasetId : title,
                        description,
                        policy.path("@id").asString(""),
                        policy.path("assigner")
                                .asString(catalog.path("participantId").asString("")),
                        policy.toString()));
            }
        }
        return offers;
    }

    private static String firstText(JsonNode node, String... names) {
        for (String name : names) {
            JsonNode value = node.get(name);
            if (value != null && value.isString()) {
                return value.asString();
            }
            if (value != null && value.isObject() && value.has("@value")) {
                return value.get("@value").asString();
            }
        }
        return null;
    }

    private static long organisation(Actor actor) {
        return DspConsumerApiController.organisation(actor);
    }

    /** Runs an action for the page: a refusal (the platform's or the protocol's) becomes the page's error. */
    private void attempt(Model model, Locale locale, Runnable action) {
        try {
            action.run();
        } catch (ProblemException e) {
            model.addAttribute("error", problems.message(e.messageKey(), e.messageArgs(), locale));
        } catch (DspException e) {
            model.addAttribute("error", problems.message("dsp.refused", new Object[] {e.getMessage()}, locale));
        }
    }

    private String after(RedirectAttributes flash, Locale locale, String successKey, String target, Runnable change) {
        try {
            change.run();
            flash.addFlashAttribute("success", problems.message(successKey, new Object[0], locale));
        } catch (ProblemException e) {
            flash.addFlashAttribute("error", problems.message(e.messageKey(), e.messageArgs(), locale));
        } catch (DspException e) {
            flash.addFlashAttribute("error", problems.message("dsp.refused", new Object[] {e.getMessage()}, locale));
        } catch (vn.datafloor.server.authz.NotPermittedException e) {
            // Importing publishes a dataset: an analyst may pull, only the catalog's managers may publish.
            flash.addFlashAttribute("error", problems.message("dsp.page.notPermitted", new Object[0], locale));
        }
        return "redirect:" + target;
    }
}

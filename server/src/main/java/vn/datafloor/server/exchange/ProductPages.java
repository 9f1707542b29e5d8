package vn.datafloor.server.exchange;

import java.util.Locale;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ProblemResponses;

/**
 * The exchange's pages: listed products for everyone; a provider's products, with the checklist
 * telling what to fix before inspection; the operator's inspection queue.
 */
@Controller
class ProductPages {

    private final ProductService products;
    private final AccessPolicy policy;
    private final ProblemResponses problems;

    ProductPages(ProductService products, AccessPolicy policy, ProblemResponses problems) {
        this.products = products;
        this.policy = policy;
        this.problems = problems;
    }

    @GetMapping("/exchange")
    @Permit(Action.VIEW_PUBLIC)
    String market(Actor actor, Model model) {
        model.addAttribute("listed", products.listed());
        if (actor != null
                && actor.orgId() != null
                && policy.decide(actor, Action.MANAGE_PRODUCTS, actor.orgId()).allowed()) {
            model.addAttribute(
                    "mine",
                    products.ofOrganisation(actor, actor.orgId()).stream()
                            .map(p -> products.get(actor, p.id()))
                            .toList());
        }
        return "exchange/products";
    }

    @PostMapping("/exchange/products")
    @Permit(Action.MANAGE_PRODUCTS)
    String create(
            Actor actor,
            @RequestParam String catalogSlug,
            @RequestParam String title,
            @RequestParam String description,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(
                flash,
                locale,
                "product.created",
                "/exchange",
                () -> products.create(
                        actor,
                        new ProductService.NewProduct(
                                catalogSlug, title, description, ProductService.Delivery.LATEST, null)));
    }

    @PostMapping("/exchange/products/{id}/submission")
    @Permit(Action.MANAGE_PRODUCTS)
    String submit(Actor actor, @PathVariable long id, RedirectAttributes flash, Locale locale) {
        return problems.redirectAfter(
                flash, locale, "product.submitted", "/exchange", () -> products.submit(actor, id));
    }

    @GetMapping("/exchange/inspections")
    @Permit(Action.INSPECT_PRODUCTS)
    String queue(Actor actor, Model model) {
        model.addAttribute("queue", products.queue(actor));
        return "exchange/inspections";
    }

    @PostMapping("/exchange/products/{id}/inspection")
    @Permit(Action.INSPECT_PRODUCTS)
    String inspect(
            Actor actor,
            @PathVariable long id,
            @RequestParam boolean approve,
            @RequestParam String reason,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(
                flash,
                locale,
                "product.inspected",
                "/exchange/inspections",
                () -> products.inspect(actor, id, approve, reason));
    }
}

package vn.datafloor.server.exchange;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;

/** Data products over HTTP: the public listing, providers' drafts and submissions, the operator's inspection. */
@RestController
@Tag(name = "Exchange: products", description = "Data products, their listing and mandatory inspection")
class ProductApiController {

    private final ProductService products;

    ProductApiController(ProductService products) {
        this.products = products;
    }

    @GetMapping("/api/exchange/products")
    @Permit(Action.VIEW_PUBLIC)
    @Operation(summary = "Listed (inspected and approved) data products")
    List<ProductService.Product> listed() {
        return products.listed();
    }

    @GetMapping("/api/exchange/products/{id}")
    @Permit(Action.VIEW_PUBLIC)
    @Operation(
            summary =
                    "A listed product (anyone), or an unlisted one (its organisation, the operator), with its checklist")
    ProductService.Inspected get(Actor actor, @PathVariable long id) {
        return products.get(actor, id);
    }

    @PostMapping("/api/exchange/products")
    @Permit(Action.MANAGE_PRODUCTS)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Build a draft product from one of your organisation's catalog entries")
    ProductService.Product create(Actor actor, @RequestBody ProductService.NewProduct request) {
        return products.create(actor, request);
    }

    @PostMapping("/api/exchange/products/{id}/submission")
    @Permit(Action.MANAGE_PRODUCTS)
    @Operation(summary = "Submit a product for the operator's inspection (PRODUCT_SUBMITTED on the ledger)")
    ProductService.Product submit(Actor actor, @PathVariable long id) {
        return products.submit(actor, id);
    }

    @GetMapping("/api/exchange/inspections")
    @Permit(Action.INSPECT_PRODUCTS)
    @Operation(summary = "Products waiting for inspection, each with the system's checklist")
    List<ProductService.Inspected> queue(Actor actor) {
        return products.queue(actor);
    }

    record Decision(boolean approve, String reason) {}

    @PostMapping("/api/exchange/products/{id}/inspection")
    @Permit(Action.INSPECT_PRODUCTS)
    @Operation(summary = "Approve or refuse a submitted product with reasons (409 when a blocking check fails)")
    ProductService.Inspected inspect(Actor actor, @PathVariable long id, @RequestBody Decision decision) {
        return products.inspect(actor, id, decision.approve(), decision.reason());
    }
}

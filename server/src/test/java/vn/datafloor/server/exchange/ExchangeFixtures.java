package vn.datafloor.server.exchange;

import org.springframework.jdbc.core.simple.JdbcClient;
import vn.datafloor.server.authz.Actor;

/** What exchange tests share: the demo's listed product, listed again if an earlier test sent it back to inspection. */
final class ExchangeFixtures {

    private ExchangeFixtures() {}

    /**
     * The demo's product of the market surveillance's catalog entry, listed. Tests share one
     * application: another test may have changed its classification or offers, which sends it back to
     * inspection; the operator then approves it again, as they would.
     */
    static ProductService.Product listedDemoProduct(ProductService products, JdbcClient jdbc) {
        long id = jdbc.sql("select min(id) from exchange_product where catalog_slug = 'qltt-san-pham'")
                .query(Long.class)
                .single();
        ProductService.Product product = products.product(id).orElseThrow();
        if (product.status() == ProductService.Status.DRAFT || product.status() == ProductService.Status.REJECTED) {
            products.submit(Actor.SYSTEM, id);
        }
        if (product.status() != ProductService.Status.APPROVED) {
            products.inspect(Actor.SYSTEM, id, true, "Thẩm định lại cho phép thử");
        }
        return products.product(id).orElseThrow();
    }
}

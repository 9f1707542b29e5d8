package vn.datafloor.server.exchange;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import vn.datafloor.server.catalog.ListingPrices;

/** The catalog's view of the exchange: an entry's listed products and how their public offers sell it. */
@Component
class ListedOffers implements ListingPrices {

    private final JdbcClient jdbc;

    ListedOffers(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<Listing> listings(String slug) {
        // Listed products with an active public offer; the price type is the most accessible of them.
        return jdbc.sql("""
                        select p.id, p.title,
                          min(case when o.price_model = 'FREE' then 0 when o.fee_id is not null then 1
                                   when o.price_model = 'AUCTION' then 3 else 2 end)
                        from exchange_product p join exchange_offer o on o.product_id = p.id
                        where p.catalog_slug = ? and p.status = 'APPROVED' and o.active = true and o.private_buyers is null
                        group by p.id, p.title, p.updated_at order by p.updated_at desc, p.id desc""")
                .param(slug)
                .query((rs, n) -> new Listing(
                        rs.getLong(1),
                        rs.getString(2),
                        List.of("free", "fee", "paid", "auction").get(rs.getInt(3))))
                .list();
    }
}

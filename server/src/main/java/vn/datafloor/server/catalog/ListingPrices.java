package vn.datafloor.server.catalog;

import java.util.List;

/**
 * Where a catalog entry is for sale: the exchange's listed products built on it. A port, so the
 * catalog can show listings and offer the price facet without knowing the exchange; the exchange
 * implements it, and tells the catalog when a listing changes ({@link CatalogService#refreshListing}).
 */
public interface ListingPrices {

    /**
     * A listed product on the entry. {@code priceType}: {@code free}, {@code fee} (state data at the
     * State's fee schedule), {@code paid} or {@code auction}, the most accessible of its public offers.
     */
    record Listing(long productId, String title, String priceType) {}

    /** The entry's listed products with public offers, newest first; empty when none. */
    List<Listing> listings(String slug);
}

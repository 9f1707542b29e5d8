package vn.datafloor.server.catalog;

/**
 * A catalog entry's Data Law classification was set or overridden: whatever relied on the old one (a
 * listed data product, say) must be looked at again.
 */
public record ClassificationChanged(String slug, String importance, String sharing) {}

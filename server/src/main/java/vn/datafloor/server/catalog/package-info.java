/** Dataset descriptions, classification, personal data, the portal, DCAT-AP, CKAN. */
@ApplicationModule(
        displayName = "Catalog",
        allowedDependencies = {"authz", "audit", "identity", "integration", "platform"})
package vn.datafloor.server.catalog;

import org.springframework.modulith.ApplicationModule;

/**
 * Harvesting other portals' catalogs (CKAN action API, DCAT-AP in Turtle or JSON-LD) and other
 * exchanges' DSP catalogs on a schedule into the catalog as remote entries.
 */
@ApplicationModule(
        displayName = "Harvest",
        allowedDependencies = {"authz", "audit", "catalog", "identity", "integration", "platform"})
package vn.datafloor.server.harvest;

import org.springframework.modulith.ApplicationModule;

package vn.datafloor.server.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;
import static vn.datafloor.server.authz.Role.ANALYST;
import static vn.datafloor.server.authz.Role.AUDITOR;
import static vn.datafloor.server.authz.Role.CITIZEN;
import static vn.datafloor.server.authz.Role.DATA_STEWARD;
import static vn.datafloor.server.authz.Role.OPERATOR_ADMIN;
import static vn.datafloor.server.authz.Role.ORG_ADMIN;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.identity.ApiKeyService;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.identity.UserService;

/**
 * Every endpoint the application exposes (read from the handler mappings, so a new endpoint cannot
 * be forgotten) × every kind of caller × own or another organisation's object, against an expected
 * table written here independently of the policy. An endpoint missing from the table fails the test.
 *
 * <p>Requests that are allowed carry a deliberately unreadable body or miss their parameters, so
 * they stop at input validation (400) instead of changing the demo world under the other cases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixTest extends PlatformTest {

    private static final Set<Role> STAFF = EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN, DATA_STEWARD, ANALYST, AUDITOR);

    /** Who may call an endpoint; {@code tenantScoped}: on another organisation's object only {@code cross} may. */
    record Rule(boolean anyone, Set<Role> roles, Set<Role> cross, boolean tenantScoped, String apiScope) {}

    static Rule anyone() {
        return new Rule(true, Set.of(), Set.of(), false, null);
    }

    static Rule roles(Set<Role> roles, String apiScope) {
        return new Rule(false, roles, Set.of(), false, apiScope);
    }

    static Rule tenant(Set<Role> roles, Set<Role> cross, String apiScope) {
        return new Rule(false, roles, cross, true, apiScope);
    }

    static final Map<String, Rule> EXPECTED = new LinkedHashMap<>();

    /** The demo's open dataset, readable by anyone. */
    static final String PUBLIC_SLUG = "qltt-san-pham";

    static {
        Set<Role> everyone = EnumSet.allOf(Role.class);
        Set<Role> operator = EnumSet.of(OPERATOR_ADMIN);
        Set<Role> seesAll = EnumSet.of(OPERATOR_ADMIN, AUDITOR);
        Set<Role> userAdmins = EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN);
        Set<Role> userReaders = EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN, AUDITOR);
        // public
        for (String path : List.of(
                "/",
                "/login",
                "/ledger/checkpoint",
                "/ledger/public-key",
                "/ledger/proof/inclusion",
                "/ledger/proof/consistency",
                "/ledger/entries/{index}",
                "/ledger/tree",
                "/v3/api-docs",
                "/v3/api-docs.yaml",
                "/v3/api-docs/swagger-config",
                "/swagger-ui.html",
                "/error")) {
            EXPECTED.put("GET " + path, anyone());
        }
        // own account
        EXPECTED.put("GET /account", roles(everyone, null));
        EXPECTED.put("POST /account/password", roles(everyone, null));
        EXPECTED.put("GET /api/me", roles(everyone, null));
        EXPECTED.put("POST /api/me/password", roles(everyone, null));
        // dashboard
        EXPECTED.put("GET /dashboard", roles(STAFF, null));
        // organisations
        EXPECTED.put("GET /organisations", roles(STAFF, "organisations:read"));
        EXPECTED.put("GET /api/organisations", roles(STAFF, "organisations:read"));
        EXPECTED.put("GET /api/organisations/{id}", tenant(STAFF, seesAll, "organisations:read"));
        EXPECTED.put("POST /organisations", roles(operator, "organisations:write"));
        EXPECTED.put("POST /api/organisations", roles(operator, "organisations:write"));
        EXPECTED.put("POST /organisations/{id}/verification", roles(operator, "organisations:write"));
        EXPECTED.put("POST /organisations/{id}/status", roles(operator, "organisations:write"));
        EXPECTED.put("POST /api/organisations/{id}/verification", roles(operator, "organisations:write"));
        EXPECTED.put("POST /api/organisations/{id}/status", roles(operator, "organisations:write"));
        EXPECTED.put("GET /api/organisations/{id}/network-allowances", roles(operator, "organisations:write"));
        EXPECTED.put("GET /integration/network", roles(operator, "organisations:write"));
        EXPECTED.put("POST /integration/network", roles(operator, "organisations:write"));
        EXPECTED.put("POST /integration/network/{orgId}/{allowanceId}/revoke", roles(operator, "organisations:write"));
        EXPECTED.put("POST /api/organisations/{id}/network-allowances", roles(operator, "organisations:write"));
        EXPECTED.put(
                "DELETE /api/organisations/{id}/network-allowances/{allowanceId}",
                roles(operator, "organisations:write"));
        // harvesting other portals' and exchanges' catalogs: the operator
        for (String endpoint : List.of(
                "GET /harvest",
                "POST /harvest",
                "GET /harvest/{id}",
                "POST /harvest/{id}",
                "POST /harvest/{id}/run",
                "POST /harvest/{id}/delete",
                "GET /api/harvest/sources",
                "POST /api/harvest/sources",
                "GET /api/harvest/sources/{id}",
                "PUT /api/harvest/sources/{id}",
                "DELETE /api/harvest/sources/{id}",
                "GET /api/harvest/sources/{id}/runs",
                "POST /api/harvest/sources/{id}/runs",
                "GET /api/harvest/sources/{id}/entries")) {
            EXPECTED.put(endpoint, roles(operator, "harvest:write"));
        }
        // users
        EXPECTED.put("GET /users", roles(userReaders, "users:read"));
        EXPECTED.put("GET /api/users", roles(userReaders, "users:read"));
        EXPECTED.put("GET /api/users/{id}", tenant(userReaders, seesAll, "users:read"));
        EXPECTED.put("GET /api/organisations/{id}/users", tenant(userReaders, seesAll, "users:read"));
        EXPECTED.put("POST /users", roles(userAdmins, "users:write"));
        EXPECTED.put("POST /users/{id}/roles", tenant(userAdmins, operator, "users:write"));
        EXPECTED.put("POST /users/{id}/status", roles(userAdmins, "users:write"));
        // invitations and password resets through one-time links: those who manage the account issue them;
        // anyone holding a link opens it and sets the password (the token is the credential)
        EXPECTED.put("POST /users/invitations", roles(userAdmins, "users:write"));
        EXPECTED.put("POST /users/{id}/password-reset", tenant(userAdmins, operator, "users:write"));
        EXPECTED.put("GET /account-link", anyone());
        EXPECTED.put("POST /account-link", anyone());
        EXPECTED.put("POST /api/organisations/{id}/users", roles(userAdmins, "users:write"));
        EXPECTED.put("PUT /api/users/{id}/roles", roles(userAdmins, "users:write"));
        EXPECTED.put("POST /api/users/{id}/status", roles(userAdmins, "users:write"));
        // API keys: everyone on staff manages their own; the operator anyone's
        EXPECTED.put("GET /api-keys", roles(STAFF, "apikeys:write"));
        EXPECTED.put("POST /api-keys", roles(STAFF, "apikeys:write"));
        EXPECTED.put("GET /api/api-keys", roles(STAFF, "apikeys:write"));
        EXPECTED.put("POST /api/api-keys", roles(STAFF, "apikeys:write"));
        EXPECTED.put("POST /api-keys/{id}/revoke", tenant(STAFF, operator, "apikeys:write"));
        EXPECTED.put("DELETE /api/api-keys/{id}", tenant(STAFF, operator, "apikeys:write"));
        // the exchange's money
        Set<Role> moneyViewers = EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN, AUDITOR);
        EXPECTED.put("GET /exchange/money", roles(moneyViewers, "money:read"));
        EXPECTED.put("POST /exchange/money/statement", roles(operator, "payments:write"));
        EXPECTED.put("GET /api/exchange/account", roles(moneyViewers, "money:read"));
        EXPECTED.put("GET /api/exchange/accounts/{id}", tenant(moneyViewers, seesAll, "money:read"));
        EXPECTED.put("GET /api/exchange/journal/trial-balance", roles(seesAll, "journal:read"));
        EXPECTED.put("POST /api/exchange/top-ups/statement", roles(operator, "payments:write"));
        // monthly statements (the organisation's, or any for the operator and auditors) and payouts (the operator)
        EXPECTED.put("GET /exchange/statements", roles(moneyViewers, "money:read"));
        EXPECTED.put("GET /api/exchange/statements/{id}", tenant(moneyViewers, seesAll, "money:read"));
        EXPECTED.put("GET /api/exchange/statements/{id}.csv", tenant(moneyViewers, seesAll, "money:read"));
        EXPECTED.put("GET /exchange/payouts", roles(operator, "payments:write"));
        EXPECTED.put("POST /exchange/payouts", roles(operator, "payments:write"));
        EXPECTED.put("GET /api/exchange/payouts", roles(operator, "payments:write"));
        EXPECTED.put("POST /api/exchange/payouts", roles(operator, "payments:write"));
        // the exchange's products and inspection
        Set<Role> productManagers = EnumSet.of(ORG_ADMIN, DATA_STEWARD);
        EXPECTED.put("GET /exchange", anyone());
        EXPECTED.put("GET /api/exchange/products", anyone());
        EXPECTED.put("GET /api/exchange/products/{id}", anyone());
        EXPECTED.put("POST /exchange/products", roles(productManagers, "products:write"));
        EXPECTED.put("POST /api/exchange/products", roles(productManagers, "products:write"));
        EXPECTED.put("POST /exchange/products/{id}/submission", roles(productManagers, "products:write"));
        EXPECTED.put("POST /api/exchange/products/{id}/submission", roles(productManagers, "products:write"));
        EXPECTED.put("GET /exchange/inspections", roles(operator, "products:inspect"));
        EXPECTED.put("GET /api/exchange/inspections", roles(operator, "products:inspect"));
        EXPECTED.put("POST /exchange/products/{id}/inspection", roles(operator, "products:inspect"));
        EXPECTED.put("POST /api/exchange/products/{id}/inspection", roles(operator, "products:inspect"));
        // the market: offers, fees, orders, contracts, agreements, entitlements, metering
        Set<Role> buyers = EnumSet.of(ORG_ADMIN, ANALYST);
        EXPECTED.put("GET /exchange/products/{id}", anyone());
        EXPECTED.put("POST /exchange/products/{id}/orders", roles(buyers, "exchange:buy"));
        EXPECTED.put("POST /exchange/products/{id}/offers", roles(productManagers, "products:write"));
        EXPECTED.put("POST /exchange/offers/{id}/withdrawal", roles(productManagers, "products:write"));
        EXPECTED.put("GET /exchange/fees", anyone());
        EXPECTED.put("POST /exchange/fees", roles(operator, "fees:write"));
        EXPECTED.put("POST /api/exchange/products/{id}/offers", roles(productManagers, "products:write"));
        EXPECTED.put("GET /api/exchange/products/{id}/comparables", roles(productManagers, "products:write"));
        EXPECTED.put("GET /api/exchange/offers/{id}", anyone());
        EXPECTED.put("GET /api/exchange/offers/{id}/policy", anyone());
        EXPECTED.put("POST /api/exchange/offers/{id}/withdrawal", roles(productManagers, "products:write"));
        EXPECTED.put("GET /api/exchange/fees", anyone());
        EXPECTED.put("PUT /api/exchange/fees", roles(operator, "fees:write"));
        EXPECTED.put("POST /api/exchange/orders", roles(buyers, "exchange:buy"));
        EXPECTED.put("GET /api/exchange/contracts", roles(STAFF, "contracts:read"));
        EXPECTED.put("GET /api/exchange/contracts/{id}", tenant(STAFF, seesAll, "contracts:read"));
        EXPECTED.put("GET /api/exchange/agreements/{id}", tenant(STAFF, seesAll, "contracts:read"));
        EXPECTED.put("POST /api/exchange/contracts/{id}/decision", roles(productManagers, "contracts:write"));
        EXPECTED.put("POST /api/exchange/contracts/{id}/withdrawal", roles(buyers, "exchange:buy"));
        EXPECTED.put("POST /api/exchange/contracts/{id}/termination", roles(STAFF, "contracts:read"));
        EXPECTED.put("POST /api/exchange/contracts/{id}/usage", roles(operator, "usage:write"));
        // delivery: the buyer's members read their own agreements (keys must be scoped to the agreement, so an
        // unscoped key is refused); bodies the matrix sends are not JSON objects, so an allowed POST stops at 400
        for (String path : List.of(
                "/api/access/{agreementId}",
                "/api/access/{agreementId}/rows",
                "/api/access/{agreementId}/sandbox/budget")) {
            EXPECTED.put("GET " + path, tenant(buyers, Set.of(), null));
        }
        for (String path : List.of("keys", "query", "exports", "sandbox")) {
            EXPECTED.put("POST /api/access/{agreementId}/" + path, roles(buyers, "data:access"));
        }
        EXPECTED.put("GET /api/access/exports/{token}", roles(buyers, "data:access"));
        EXPECTED.put("GET /access/{agreementId}", tenant(buyers, Set.of(), null));
        for (String path : List.of("keys", "query", "exports", "sandbox")) {
            // a form post: the page answers with the grant's refusal (404 for another organisation's agreement)
            EXPECTED.put("POST /access/{agreementId}/" + path, tenant(buyers, Set.of(), null));
        }
        EXPECTED.put("GET /api/exchange/entitlements", roles(STAFF, "contracts:read"));
        EXPECTED.put("GET /api/exchange/invoices", roles(moneyViewers, "money:read"));
        // the exchange's disputes: parties open and answer, the operator mediates; parties, operator and auditors read
        Set<Role> disputeParties = EnumSet.of(ORG_ADMIN, DATA_STEWARD, ANALYST);
        EXPECTED.put("POST /api/exchange/contracts/{id}/disputes", roles(disputeParties, "disputes:write"));
        EXPECTED.put("GET /api/exchange/disputes", roles(STAFF, "contracts:read"));
        EXPECTED.put("GET /api/exchange/disputes/{id}", tenant(STAFF, seesAll, "contracts:read"));
        EXPECTED.put("GET /api/exchange/disputes/{id}/files/{fileId}", tenant(STAFF, seesAll, "contracts:read"));
        EXPECTED.put("POST /api/exchange/disputes/{id}/responses", roles(disputeParties, "disputes:write"));
        EXPECTED.put("POST /api/exchange/disputes/{id}/messages", roles(operator, "disputes:mediate"));
        EXPECTED.put("POST /api/exchange/disputes/{id}/decision", roles(operator, "disputes:mediate"));
        EXPECTED.put("GET /exchange/disputes", roles(STAFF, "contracts:read"));
        EXPECTED.put("GET /exchange/disputes/{id}", tenant(STAFF, seesAll, "contracts:read"));
        EXPECTED.put("GET /exchange/contracts/{id}/dispute", tenant(disputeParties, Set.of(), "disputes:write"));
        EXPECTED.put("POST /exchange/contracts/{id}/dispute", roles(disputeParties, "disputes:write"));
        EXPECTED.put("POST /exchange/disputes/{id}/responses", roles(disputeParties, "disputes:write"));
        EXPECTED.put("POST /exchange/disputes/{id}/messages", roles(operator, "disputes:mediate"));
        EXPECTED.put("POST /exchange/disputes/{id}/decision", roles(operator, "disputes:mediate"));
        // the exchange's supervision and providers' sales
        EXPECTED.put("GET /exchange/supervision", roles(seesAll, "market:read"));
        EXPECTED.put("GET /api/exchange/supervision", roles(seesAll, "market:read"));
        EXPECTED.put("GET /api/exchange/supervision/contracts.csv", roles(seesAll, "market:read"));
        EXPECTED.put("GET /api/exchange/supervision/alerts", roles(seesAll, "market:read"));
        Set<Role> salesViewers = EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN, DATA_STEWARD, AUDITOR);
        EXPECTED.put("GET /exchange/sales", roles(salesViewers, "sales:read"));
        EXPECTED.put("GET /api/exchange/sales", roles(salesViewers, "sales:read"));
        EXPECTED.put(
                "POST /exchange/sales/requests/{id}/decision",
                roles(EnumSet.of(ORG_ADMIN, DATA_STEWARD), "contracts:write"));
        // the exchange's auctions: public room; providers open, buyers bid, the provider or the operator closes
        Set<Role> bidders = EnumSet.of(ORG_ADMIN, ANALYST);
        Set<Role> auctionClosers = EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN, DATA_STEWARD);
        EXPECTED.put("GET /exchange/auctions", anyone());
        EXPECTED.put("GET /exchange/auctions/{id}", anyone());
        EXPECTED.put("GET /api/exchange/auctions", anyone());
        EXPECTED.put("GET /api/exchange/auctions/{id}", anyone());
        EXPECTED.put("POST /exchange/auctions", roles(productManagers, "auctions:write"));
        EXPECTED.put("POST /api/exchange/offers/{id}/auctions", roles(productManagers, "auctions:write"));
        EXPECTED.put("POST /exchange/auctions/{id}/bids", roles(bidders, "exchange:buy"));
        EXPECTED.put("POST /api/exchange/auctions/{id}/bids", roles(bidders, "exchange:buy"));
        EXPECTED.put("POST /exchange/auctions/{id}/close", roles(auctionClosers, "contracts:read"));
        EXPECTED.put("POST /api/exchange/auctions/{id}/close", roles(auctionClosers, "contracts:read"));
        // the exchange's contracts pages and agreement documents: a contract's parties, the operator and auditors
        Set<Role> deciders = EnumSet.of(ORG_ADMIN, DATA_STEWARD);
        EXPECTED.put("GET /exchange/contracts", roles(STAFF, "contracts:read"));
        EXPECTED.put("GET /exchange/contracts/{id}", tenant(STAFF, seesAll, "contracts:read"));
        // Form posts the matrix sends lack their parameters, so they stop at 400 before the contract's own check.
        EXPECTED.put("POST /exchange/contracts/{id}/decision", roles(deciders, "contracts:write"));
        EXPECTED.put("POST /exchange/contracts/{id}/withdrawal", roles(buyers, "exchange:buy"));
        EXPECTED.put("POST /exchange/contracts/{id}/termination", roles(STAFF, "contracts:read"));
        EXPECTED.put("POST /exchange/contracts/{id}/verification", roles(STAFF, "contracts:read"));
        for (String document : List.of("document.json", "document.html", "document.pdf", "verification")) {
            EXPECTED.put("GET /api/exchange/agreements/{id}/" + document, tenant(STAFF, seesAll, "contracts:read"));
        }
        EXPECTED.put("POST /api/exchange/agreements/verification", roles(STAFF, "contracts:read"));
        // the citizen's own accesses and data: citizens only, and only their own (another's access is not found)
        Set<Role> citizen = EnumSet.of(CITIZEN);
        EXPECTED.put("GET /me", roles(citizen, null));
        EXPECTED.put("GET /me/accesses", roles(citizen, null));
        EXPECTED.put("GET /me/accesses/{id}", tenant(citizen, Set.of(), null));
        EXPECTED.put("GET /me/data", roles(citizen, null));
        EXPECTED.put("GET /api/me/accesses", roles(citizen, null));
        EXPECTED.put("GET /api/me/accesses/{id}/proof", tenant(citizen, Set.of(), null));
        EXPECTED.put("GET /api/me/data", roles(citizen, null));
        // audit and ledger operations
        EXPECTED.put("GET /audit", roles(seesAll, "audit:read"));
        EXPECTED.put("GET /audit/events/{index}", roles(seesAll, "audit:read"));
        EXPECTED.put("POST /audit/verify", roles(seesAll, "audit:read"));
        EXPECTED.put("POST /audit/checkpoint", roles(operator, "ledger:write"));
        EXPECTED.put("GET /api/audit/events", roles(seesAll, "audit:read"));
        EXPECTED.put("GET /api/audit/events/{index}", roles(seesAll, "audit:read"));
        EXPECTED.put("GET /audit/export", roles(seesAll, "audit:read"));
        EXPECTED.put("GET /api/audit/export", roles(seesAll, "audit:read"));
        EXPECTED.put("POST /api/ledger/checkpoints", roles(operator, "ledger:write"));
        EXPECTED.put("POST /api/ledger/verify", roles(seesAll, "audit:read"));
        // integration: sources, pipelines, runs, datasets
        Set<Role> managers = EnumSet.of(ORG_ADMIN, DATA_STEWARD);
        String read = "pipelines:read";
        String write = "pipelines:write";
        for (String path : List.of(
                "/integration/sources",
                "/integration/pipelines",
                "/integration/datasets",
                "/api/sources",
                "/api/source-kinds",
                "/api/pipelines",
                "/api/runs",
                "/api/datasets")) {
            EXPECTED.put("GET " + path, roles(STAFF, read));
        }
        for (String path : List.of(
                "/api/sources/{id}",
                "/api/pipelines/{id}",
                "/api/runs/{id}",
                "/api/runs/{id}/log",
                "/api/datasets/{name}",
                "/integration/pipelines/{id}",
                "/integration/runs/{id}",
                "/integration/runs/{id}/status",
                "/api/sources/{id}/following")) {
            EXPECTED.put("GET " + path, tenant(STAFF, seesAll, read));
        }
        for (String endpoint : List.of(
                "POST /api/sources",
                "POST /api/sources/{id}/file",
                "POST /api/pipelines",
                "POST /api/pipelines/validation",
                "POST /integration/sources",
                "POST /integration/sources/{id}/file",
                "GET /integration/pipelines/new",
                "POST /integration/pipelines",
                "POST /integration/pipelines/validation")) {
            EXPECTED.put(endpoint, roles(managers, write));
        }
        for (String endpoint : List.of(
                "POST /api/pipelines/{id}/runs",
                "POST /api/runs/{id}/cancellation",
                "POST /integration/pipelines/{id}/runs",
                "POST /integration/runs/{id}/cancellation",
                "POST /api/sources/{id}/following",
                "DELETE /api/sources/{id}/following",
                "POST /integration/sources/{id}/following",
                "POST /integration/sources/{id}/following/stop")) {
            EXPECTED.put(endpoint, tenant(managers, Set.of(), write));
        }
        // The quarantine: the data's stewards and the operator read it (every read on the ledger); only the
        // data's own stewards fix or release its rows.
        Set<Role> quarantineReaders = EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN, DATA_STEWARD);
        for (String path : List.of(
                "/api/runs/{id}/quarantine",
                "/integration/runs/{id}/quarantine",
                "/integration/runs/{id}/quarantine/{record}")) {
            EXPECTED.put("GET " + path, tenant(quarantineReaders, EnumSet.of(OPERATOR_ADMIN), "quarantine:read"));
        }
        for (String endpoint : List.of(
                "POST /api/runs/{id}/quarantine/{record}/fix",
                "POST /api/runs/{id}/quarantine/{record}/release",
                "POST /integration/runs/{id}/quarantine/{record}/fix",
                "POST /integration/runs/{id}/quarantine/{record}/release")) {
            EXPECTED.put(endpoint, tenant(managers, Set.of(), "quarantine:write"));
        }
        // the register of people
        EXPECTED.put("GET /register", roles(seesAll, "register:read"));
        EXPECTED.put("GET /register/entities/{id}", roles(seesAll, "register:read"));
        EXPECTED.put("GET /api/register/entities", roles(seesAll, "register:read"));
        EXPECTED.put("GET /api/register/entities/{id}", roles(seesAll, "register:read"));
        EXPECTED.put("GET /api/register/runs", roles(seesAll, "register:read"));
        EXPECTED.put("POST /register/runs", roles(operator, "register:write"));
        EXPECTED.put("POST /api/register/runs", roles(operator, "register:write"));
        EXPECTED.put("GET /register/review", roles(operator, "register:write"));
        EXPECTED.put("POST /register/updates", roles(operator, "register:write"));
        EXPECTED.put("POST /api/register/updates", roles(operator, "register:write"));
        EXPECTED.put("GET /api/register/review", roles(operator, "register:write"));
        EXPECTED.put("POST /register/review/{id}/decision", roles(operator, "register:write"));
        EXPECTED.put("POST /api/register/review/{id}/decision", roles(operator, "register:write"));
        // the catalog: public reading (each caller sees what it may), stewards describe, the operator reviews
        for (String path : List.of(
                "/catalog",
                "/catalog.jsonld",
                "/catalog.ttl",
                "/catalog/datasets/{slug}",
                "/catalog/datasets/{slug}/download",
                "/catalog/datasets/{slug}/explore",
                "/api/catalog/datasets/{slug}/explore",
                "/api/catalog/datasets",
                "/api/catalog/datasets/{slug}",
                "/api/catalog/datasets/{slug}/versions",
                "/api/catalog/datasets/{slug}/preview",
                "/catalog/remote",
                "/catalog/remote/{id}")) {
            EXPECTED.put("GET " + path, anyone());
        }
        // the CKAN action API (ckanapi also calls the unversioned path)
        EXPECTED.put("GET /api/3", anyone());
        for (String path : List.of("/api/3/action/{name}", "/api/action/{name}")) {
            EXPECTED.put("GET " + path, anyone());
            EXPECTED.put("POST " + path, anyone());
        }
        String catalogWrite = "catalog:write";
        for (String endpoint : List.of(
                "GET /catalog/datasets/{slug}/edit",
                "POST /catalog/datasets/{slug}",
                "POST /catalog/datasets/{slug}/columns",
                "POST /catalog/datasets/{slug}/classification",
                "POST /catalog/datasets/{slug}/publication",
                "POST /catalog/datasets/{slug}/withdrawal",
                "GET /api/catalog/datasets/{slug}/readiness",
                "POST /api/catalog/datasets/{slug}/publication",
                "DELETE /api/catalog/datasets/{slug}/publication")) {
            EXPECTED.put(endpoint, tenant(managers, Set.of(), catalogWrite));
        }
        // Bodies the matrix sends are unreadable, so these stop at 400 before the tenant check; CatalogFlowTest covers
        // it.
        for (String endpoint : List.of(
                "PUT /api/catalog/datasets/{slug}",
                "PUT /api/catalog/datasets/{slug}/columns",
                "PUT /api/catalog/datasets/{slug}/personal-data",
                "PUT /api/catalog/datasets/{slug}/classification",
                "GET /catalog/upload",
                "POST /catalog/upload",
                "POST /api/catalog/uploads")) {
            EXPECTED.put(endpoint, roles(managers, catalogWrite));
        }
        EXPECTED.put("GET /catalog/queue", roles(EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN, DATA_STEWARD), catalogWrite));
        EXPECTED.put(
                "GET /api/catalog/queue", roles(EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN, DATA_STEWARD), catalogWrite));
        // the open data portal: its home, publishers' pages and the public dataset requests (anyone may ask;
        // a publisher's stewards answer and describe their own organisation; the operator closes spam)
        for (String path : List.of("/portal", "/catalog/publishers/{id}", "/catalog/requests")) {
            EXPECTED.put("GET " + path, anyone());
        }
        EXPECTED.put("POST /catalog/requests", anyone());
        EXPECTED.put("POST /catalog/publishers/{id}", tenant(managers, Set.of(), catalogWrite));
        EXPECTED.put("POST /catalog/requests/{id}/answers", roles(managers, catalogWrite));
        EXPECTED.put("POST /catalog/requests/{id}/closure", roles(operator, "catalog:review"));
        EXPECTED.put("POST /catalog/datasets/{slug}/review", roles(operator, "catalog:review"));
        EXPECTED.put("POST /api/catalog/datasets/{slug}/review", roles(operator, "catalog:review"));
        // privacy: citizens' consents and requests, organisations' inboxes, the operator's breaches
        Set<Role> citizens = EnumSet.of(CITIZEN);
        Set<Role> privacyViewers = EnumSet.of(CITIZEN, OPERATOR_ADMIN, ORG_ADMIN, DATA_STEWARD, AUDITOR);
        Set<Role> requestHandlers = EnumSet.of(ORG_ADMIN, DATA_STEWARD);
        EXPECTED.put("GET /api/privacy/consents", roles(privacyViewers, "consents:read"));
        EXPECTED.put("POST /api/privacy/consents", roles(citizens, "consents:write"));
        EXPECTED.put("GET /api/privacy/consents/{id}", tenant(privacyViewers, seesAll, "consents:read"));
        EXPECTED.put("POST /api/privacy/consents/{id}/withdraw", roles(citizens, "consents:write"));
        EXPECTED.put("GET /api/privacy/requests", roles(privacyViewers, "subject-requests:read"));
        EXPECTED.put("POST /api/privacy/requests", roles(citizens, "subject-requests:write"));
        EXPECTED.put("GET /api/privacy/requests/{id}", tenant(privacyViewers, seesAll, "subject-requests:read"));
        for (String step : List.of("acknowledgement", "progress", "completion", "refusal")) {
            EXPECTED.put("POST /api/privacy/requests/{id}/" + step, roles(requestHandlers, "subject-requests:write"));
        }
        EXPECTED.put("GET /api/privacy/breaches", roles(seesAll, "privacy:read"));
        EXPECTED.put("POST /api/privacy/breaches", roles(operator, "privacy:write"));
        EXPECTED.put("GET /api/privacy/breaches/{id}", roles(seesAll, "privacy:read"));
        EXPECTED.put("POST /api/privacy/breaches/{id}/notification", roles(operator, "privacy:write"));
        EXPECTED.put("GET /api/privacy/days-off", roles(operator, "privacy:write"));
        EXPECTED.put("POST /api/privacy/days-off", roles(operator, "privacy:write"));
        EXPECTED.put("GET /me/consents", roles(citizens, "consents:write"));
        EXPECTED.put("POST /me/consents", roles(citizens, "consents:write"));
        EXPECTED.put("POST /me/consents/{id}/withdraw", roles(citizens, "consents:write"));
        EXPECTED.put("GET /me/requests", roles(citizens, "subject-requests:write"));
        EXPECTED.put("POST /me/requests", roles(citizens, "subject-requests:write"));
        EXPECTED.put("GET /privacy/requests", roles(privacyViewers, "subject-requests:read"));
        EXPECTED.put("POST /privacy/requests/{id}/answer", roles(requestHandlers, "subject-requests:write"));
        EXPECTED.put("GET /privacy/breaches", roles(seesAll, "privacy:read"));
        EXPECTED.put("POST /privacy/breaches", roles(operator, "privacy:write"));
        EXPECTED.put("GET /privacy/breaches/{id}", roles(seesAll, "privacy:read"));
        EXPECTED.put("POST /privacy/breaches/{id}/notification", roles(operator, "privacy:write"));
        // Another process's call (an API replica's appends, docs/deployment.md): its node token is its credential,
        // which no person holds, and on a single process nobody is the writer's replica: not there, for anyone.
        EXPECTED.put("POST /internal/ledger/relay", roles(Set.of(), null));
        // the Dataspace Protocol (docs/dsp.md): the version document is public; an organisation's connector (its API
        // key with dsp:participate, or its members) takes part. Bodies the matrix sends are not messages, so an
        // allowed POST stops at 400; a process is looked up among the caller's own (DspProtocolTest checks another
        // organisation's is not found).
        EXPECTED.put("GET /.well-known/dspace-version", anyone());
        Set<Role> participants = EnumSet.of(ORG_ADMIN, DATA_STEWARD, ANALYST);
        for (String endpoint : List.of(
                "POST /dsp/catalog/request",
                "GET /dsp/catalog/datasets/{id}",
                "POST /dsp/negotiations/request",
                "GET /dsp/negotiations/{pid}",
                "POST /dsp/negotiations/{pid}/request",
                "POST /dsp/negotiations/{pid}/events",
                "POST /dsp/negotiations/{pid}/agreement/verification",
                "POST /dsp/negotiations/{pid}/termination",
                "POST /dsp/negotiations/{pid}/offers",
                "POST /dsp/negotiations/{pid}/agreement",
                "POST /dsp/transfers/request",
                "GET /dsp/transfers/{pid}",
                "POST /dsp/transfers/{pid}/start",
                "POST /dsp/transfers/{pid}/completion",
                "POST /dsp/transfers/{pid}/suspension",
                "POST /dsp/transfers/{pid}/termination")) {
            EXPECTED.put(endpoint, roles(participants, "dsp:participate"));
        }
        // an organisation as consumer in other dataspaces: its buyers
        for (String endpoint : List.of(
                "POST /api/dsp/catalog-requests",
                "POST /api/dsp/negotiations",
                "GET /api/dsp/negotiations",
                "POST /api/dsp/transfers",
                "GET /api/dsp/transfers",
                "PUT /api/dsp/credentials",
                "GET /api/dsp/credentials")) {
            EXPECTED.put(endpoint, roles(buyers, "exchange:buy"));
        }
        // a transfer is the organisation's own (another's is not found); pulling its rows is reading data
        EXPECTED.put("POST /api/dsp/transfers/{id}/completion", tenant(buyers, Set.of(), "exchange:buy"));
        EXPECTED.put("GET /api/dsp/transfers/{id}/rows", tenant(buyers, Set.of(), "data:access"));
        // importing reads the data and publishes a dataset (the service also asks for catalog:write); the matrix's
        // body is not JSON, so it stops at 400 for any transfer
        EXPECTED.put("POST /api/dsp/transfers/{id}/import", roles(buyers, "data:access"));
        // the same as a page (docs/dsp.md): refusals after the transfer is found are the page's flash messages
        for (String endpoint : List.of(
                "GET /dataspace",
                "POST /dataspace/credentials",
                "POST /dataspace/negotiations",
                "POST /dataspace/transfers")) {
            EXPECTED.put(endpoint, roles(buyers, null));
        }
        EXPECTED.put("POST /dataspace/transfers/{id}/import", tenant(buyers, Set.of(), null));
        EXPECTED.put("POST /dataspace/transfers/{id}/completion", tenant(buyers, Set.of(), null));
        // actuator
        EXPECTED.put("GET /actuator", roles(operator, "metrics:read"));
        EXPECTED.put("GET /actuator/health", anyone());
        EXPECTED.put("GET /actuator/health/**", anyone());
        EXPECTED.put("GET /actuator/info", roles(operator, "metrics:read"));
        EXPECTED.put("GET /actuator/prometheus", roles(operator, "metrics:read"));
    }

    /**
     * A caller: nobody, a signed-in person with one role, or an API key. {@code csrf}: whether its
     * requests carry a CSRF token (nobody is tried both ways: without one it must still get 401).
     */
    record Persona(
            String name,
            Role role,
            Long orgId,
            MockHttpSession session,
            String token,
            Set<String> scopes,
            boolean csrf) {
        Persona(String name, Role role, Long orgId, MockHttpSession session, String token, Set<String> scopes) {
            this(name, role, orgId, session, token, scopes, true);
        }

        boolean anonymous() {
            return role == null;
        }
    }

    @Autowired
    ApplicationContext context;

    @Autowired
    UserService users;

    @Autowired
    OrganisationService organisations;

    @Autowired
    ApiKeyService apiKeys;

    @Autowired
    vn.datafloor.server.integration.SourceService sources;

    @Autowired
    vn.datafloor.server.integration.PipelineService pipelines;

    @Autowired
    vn.datafloor.server.integration.RunService runs;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    String entityId;

    final List<Persona> personas = new ArrayList<>();
    long healthOrg;
    long saoMaiOrg;
    long operatorOrg;
    final Map<Long, Long> sameOrgUser = new LinkedHashMap<>();
    long otherOrgUser;
    final Map<String, String> ownKeyOf = new LinkedHashMap<>();
    String otherOrgKey;

    @BeforeAll
    void setUp() throws Exception {
        UserAccount admin = users.findByUsername("admin").orElseThrow();
        operatorOrg = admin.orgId();
        healthOrg = users.findByUsername("yte.admin").orElseThrow().orgId();
        saoMaiOrg = users.findByUsername("saomai.admin").orElseThrow().orgId();
        users.bootstrapStaff(
                healthOrg, "yte.phantich", "Đặng Thu Trang", null, EnumSet.of(ANALYST), "Phan-tich-matrix-2026");
        users.bootstrapStaff(
                healthOrg, "yte.matrix", "Người dùng mục tiêu", null, EnumSet.of(ANALYST), "Matrix-target-2026");
        users.bootstrapStaff(
                operatorOrg, "vanhanh.matrix", "Người dùng mục tiêu", null, EnumSet.of(AUDITOR), "Matrix-target-2026");
        sameOrgUser.put(
                healthOrg, users.findByUsername("yte.matrix").orElseThrow().id());
        sameOrgUser.put(
                operatorOrg,
                users.findByUsername("vanhanh.matrix").orElseThrow().id());
        otherOrgUser = users.findByUsername("saomai.phantich").orElseThrow().id();

        // A harvest source at an address the operator has not allowed (loopback): running it fails at once,
        // without any traffic; and one harvested entry for the public page of harvested entries.
        harvestSourceId = harvests.register(
                        actorOf("admin"),
                        new vn.datafloor.server.harvest.HarvestService.SourceForm(
                                "Cổng ma trận", "CKAN", "http://127.0.0.1:9", "Ma trận", 1440, false))
                .id();
        remoteCatalog.sync(
                harvestSourceId,
                "Cổng ma trận",
                List.of(new vn.datafloor.server.catalog.RemoteCatalog.RemoteRecord(
                        "matrix-1",
                        "DATASET",
                        "Mục ma trận",
                        null,
                        "Ma trận",
                        "cc-by",
                        null,
                        List.of(),
                        null,
                        null,
                        null,
                        null)),
                true);
        remoteEntryId = remoteCatalog.ofSource(harvestSourceId).get(0).remote().id();
        personas.add(new Persona("anonymous", null, null, null, null, Set.of()));
        personas.add(new Persona("anonymous without CSRF token", null, null, null, null, Set.of(), false));
        addSessionPersona("admin", OPERATOR_ADMIN, operatorOrg, DemoPasswords.DEMO);
        addSessionPersona("kiemtoan", AUDITOR, operatorOrg, DemoPasswords.DEMO);
        addSessionPersona("yte.admin", ORG_ADMIN, healthOrg, DemoPasswords.DEMO);
        addSessionPersona("yte.dulieu", DATA_STEWARD, healthOrg, DemoPasswords.DEMO);
        addSessionPersona("yte.phantich", ANALYST, healthOrg, "Phan-tich-matrix-2026");
        addSessionPersona(vn.datafloor.server.demo.DemoData.CITIZEN, CITIZEN, null, DemoPasswords.DEMO);
        // An organisation admin's machine client that may only read users.
        Actor healthAdmin = actorOf("yte.admin");
        String token = apiKeys.create(healthAdmin, "matrix", Set.of("users:read"), Duration.ofDays(1))
                .token();
        personas.add(
                new Persona("api-key(ORG_ADMIN, users:read)", ORG_ADMIN, healthOrg, null, token, Set.of("users:read")));

        for (String username : List.of("admin", "kiemtoan", "yte.admin", "yte.dulieu", "yte.phantich")) {
            ownKeyOf.put(
                    username,
                    apiKeys.create(actorOf(username), "own", Set.of("organisations:read"), Duration.ofDays(1))
                            .key()
                            .id());
        }
        otherOrgKey = apiKeys.create(actorOf("saomai.admin"), "other", Set.of("organisations:read"), Duration.ofDays(1))
                .key()
                .id();
        entityId = jdbc.sql("select min(id) from register_entity")
                .query(String.class)
                .single();
        // A listed product of the health department, inserted as inspection would leave it.
        jdbc.sql("insert into exchange_product(org_id, catalog_slug, title, description, delivery, status, created_at, "
                        + "updated_at) values (?, 'matrix', 'Sản phẩm ma trận', 'Sản phẩm dùng cho ma trận phân quyền', "
                        + "'LATEST', 'APPROVED', current_timestamp, current_timestamp)")
                .param(healthOrg)
                .update();
        listedProductId = jdbc.sql("select max(id) from exchange_product")
                .query(Long.class)
                .single();
        // An offer on it, and a contract of each organisation (as buyer), made as the market would leave them.
        jdbc.sql("insert into exchange_offer(product_id, title, price_model, price, vat_percent, sold, duration_days, "
                        + "approval_required, policy, active, created_at) values (?, 'Đề nghị ma trận', 'FREE', 0, 10, 0, "
                        + "30, false, ?, true, current_timestamp)")
                .params(
                        listedProductId,
                        "{\"@context\": \"http://www.w3.org/ns/odrl.jsonld\", \"@type\": \"Offer\", \"uid\": \"urn:matrix\", "
                                + "\"permission\": [{\"action\": \"use\"}]}")
                .update();
        matrixOfferId =
                jdbc.sql("select max(id) from exchange_offer").query(Long.class).single();
        for (long buyer : List.of(healthOrg, operatorOrg, saoMaiOrg)) {
            jdbc.sql(
                            "insert into exchange_contract(offer_id, product_id, provider_org, buyer_org, state, purpose, scenario, "
                                    + "order_key, price, vat, platform_fee, requested_at, periods_charged) values (?,?,?,?, "
                                    + "'REQUESTED', 'df:research', 'Kịch bản ma trận', ?, 0, 0, 0, current_timestamp, 0)")
                    .params(
                            matrixOfferId,
                            listedProductId,
                            buyer == saoMaiOrg ? saoMaiOrg : healthOrg,
                            buyer,
                            "matrix-" + buyer)
                    .update();
            contractOf.put(
                    buyer,
                    jdbc.sql("select id from exchange_contract where order_key = ?")
                            .param("matrix-" + buyer)
                            .query(Long.class)
                            .single());
        }
        disputeFixtures();
        privacyFixtures();
        dspFixtures();
        // An open auction of that product's auction offer, closing long after the matrix has run.
        jdbc.sql("insert into exchange_offer(product_id, title, price_model, price, vat_percent, sold, duration_days, "
                        + "approval_required, policy, active, created_at) values (?, 'Đấu giá ma trận', 'AUCTION', "
                        + "1000000, 10, 0, 365, false, ?, true, current_timestamp)")
                // A valid policy, as the market stores only those: the product page renders every offer's terms.
                .params(
                        listedProductId,
                        "{\"@context\": \"http://www.w3.org/ns/odrl.jsonld\", \"@type\": \"Offer\", "
                                + "\"uid\": \"urn:matrix-auction\", \"permission\": [{\"action\": \"use\"}]}")
                .update();
        long auctionOffer =
                jdbc.sql("select max(id) from exchange_offer").query(Long.class).single();
        jdbc.sql("insert into exchange_auction(offer_id, product_id, provider_org, kind, reserve, min_increment, "
                        + "vat_percent, closes_at, state, open_offer, opened_at) "
                        + "values (?, ?, ?, 'SEALED', 1000000, 0, 10, ?, 'OPEN', ?, current_timestamp)")
                .params(
                        auctionOffer,
                        listedProductId,
                        healthOrg,
                        java.sql.Timestamp.from(clock.instant().plus(Duration.ofDays(80))),
                        auctionOffer)
                .update();
        auctionId = jdbc.sql("select max(id) from exchange_auction")
                .query(Long.class)
                .single();
        citizenAccessFixtures();
        integration.put(healthOrg, integrationObjects(healthOrg, "yte"));
        integration.put(operatorOrg, integrationObjects(operatorOrg, "vanhanh"));
        integration.put(saoMaiOrg, integrationObjects(saoMaiOrg, "saomai"));
    }

    /** A negotiation and a transfer in which each organisation's connector is the counterparty, as the protocol leaves them. */
    private void dspFixtures() {
        for (long org : List.of(healthOrg, operatorOrg, saoMaiOrg)) {
            jdbc.sql("insert into dsp_negotiation(role, provider_pid, consumer_pid, state, org_id, counterparty_org, "
                            + "counterparty_address, dataset_id, offer_id, exchange_offer_id, created_at, updated_at) "
                            + "values ('PROVIDER', ?, ?, 'REQUESTED', ?, ?, 'https://connector.example', ?, ?, ?, "
                            + "current_timestamp, current_timestamp)")
                    .params(
                            "urn:matrix:negotiation:" + org,
                            "urn:matrix:consumer:" + org,
                            healthOrg,
                            org,
                            "urn:datafloor:product:" + listedProductId,
                            "urn:datafloor:offer:" + matrixOfferId,
                            matrixOfferId)
                    .update();
            jdbc.sql("insert into dsp_transfer(role, provider_pid, consumer_pid, state, org_id, counterparty_org, "
                            + "counterparty_address, agreement_id, format, created_at, updated_at) "
                            + "values ('PROVIDER', ?, ?, 'REQUESTED', ?, ?, 'https://connector.example', ?, 'HttpData-PULL', "
                            + "current_timestamp, current_timestamp)")
                    .params(
                            "urn:matrix:transfer:" + org,
                            "urn:matrix:consumer:" + org,
                            healthOrg,
                            org,
                            "urn:datafloor:agreement:0")
                    .update();
            // The organisation's own started transfer as consumer (no data address: a pull answers 409).
            jdbc.sql("insert into dsp_transfer(role, provider_pid, consumer_pid, state, org_id, "
                            + "counterparty_address, agreement_id, format, created_at, updated_at) "
                            + "values ('CONSUMER', ?, ?, 'STARTED', ?, 'https://connector.example', ?, 'HttpData-PULL', "
                            + "current_timestamp, current_timestamp)")
                    .params(
                            "urn:matrix:provider:" + org,
                            "urn:matrix:consumer-transfer:" + org,
                            org,
                            "urn:matrix:agreement:" + org)
                    .update();
            consumerTransferOf.put(
                    org,
                    jdbc.sql("select id from dsp_transfer where consumer_pid = ?")
                            .param("urn:matrix:consumer-transfer:" + org)
                            .query(Long.class)
                            .single());
        }
    }

    private Actor actorOf(String username) {
        UserAccount u = users.findByUsername(username).orElseThrow();
        return new Actor(u.id(), u.username(), u.orgId(), u.roles(), null, Set.of());
    }

    private void addSessionPersona(String username, Role role, Long orgId, String password) throws Exception {
        personas.add(new Persona(username, role, orgId, login(username, password), null, Set.of()));
    }

    /** Every (method, pattern) pair the application serves, from all request-mapping handler mappings. */
    private Set<String> exposedEndpoints() {
        Set<String> endpoints = new TreeSet<>();
        for (RequestMappingInfoHandlerMapping mapping :
                context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                Set<String> patterns = info.getPatternValues();
                Set<String> methods = info.getMethodsCondition().getMethods().isEmpty()
                        ? Set.of("GET")
                        : info.getMethodsCondition().getMethods().stream()
                                .map(Enum::name)
                                .collect(java.util.stream.Collectors.toSet());
                for (String pattern : patterns) {
                    for (String method : methods) {
                        endpoints.add(method + " " + pattern);
                    }
                }
            }
        }
        return endpoints;
    }

    @Test
    void everyExposedEndpointIsInTheExpectedTable() {
        Set<String> unknown = new TreeSet<>(exposedEndpoints());
        unknown.removeAll(EXPECTED.keySet());
        assertThat(unknown)
                .as("endpoints with no expected authorization: add them to EXPECTED")
                .isEmpty();
    }

    @Test
    void everyEndpointAllowsAndDeniesExactlyAsExpected() throws Exception {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (String endpoint : exposedEndpoints()) {
            Rule rule = EXPECTED.get(endpoint);
            if (rule == null) {
                continue; // reported by the other test
            }
            String method = endpoint.substring(0, endpoint.indexOf(' '));
            String pattern = endpoint.substring(endpoint.indexOf(' ') + 1);
            for (Persona persona : personas) {
                for (boolean ownTarget : targetsFor(pattern)) {
                    String url = concrete(method, pattern, persona, ownTarget);
                    Expectation expected = expect(rule, persona, ownTarget, method, pattern);
                    MvcResult result = mvc.perform(build(method, url, persona)).andReturn();
                    checked++;
                    int status = result.getResponse().getStatus();
                    if (status >= 500) {
                        // A server error is no decision: it may hide an allowed request as much as a denied one.
                        failures.add(method + " " + url + " as " + persona.name() + " ("
                                + (persona.role() == null ? "anonymous" : persona.role()) + ", "
                                + (ownTarget ? "own" : "other org") + ") → " + status + ": server error");
                        continue;
                    }
                    String problem = expected.check(result, api(pattern));
                    if (problem != null) {
                        failures.add(endpoint + " as " + persona.name() + (ownTarget ? " (own)" : " (other org)")
                                + " → " + result.getResponse().getStatus() + ": " + problem);
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(300);
        assertThat(failures).as("authorization matrix violations").isEmpty();
    }

    enum Expectation {
        /** Allowed, and the answer may be a redirect anywhere (the home page sends visitors to sign in). */
        ALLOW,
        ALLOW_NOT_REDIRECTED,
        UNAUTHENTICATED,
        FORBIDDEN,
        HIDDEN;

        String check(MvcResult result, boolean api) throws Exception {
            int status = result.getResponse().getStatus();
            String location = result.getResponse().getRedirectedUrl();
            String type = result.getResponse().getContentType();
            boolean problemJson = type != null && type.startsWith("application/problem+json");
            return switch (this) {
                case ALLOW -> status == 401 || status == 403 || status == 404 ? "expected to be allowed" : null;
                case ALLOW_NOT_REDIRECTED ->
                    status == 401 || status == 403 || status == 404 || (location != null && location.contains("/login"))
                            ? "expected to be allowed"
                            : null;
                case UNAUTHENTICATED ->
                    api
                            ? (status == 401 && problemJson ? null : "expected 401 problem+json")
                            : (status == 302 && location != null && location.endsWith("/login")
                                    ? null
                                    : "expected redirect to /login");
                case FORBIDDEN ->
                    status == 403 && (!api || problemJson) ? null : "expected 403" + (api ? " problem+json" : "");
                case HIDDEN ->
                    status == 404 && (!api || problemJson) ? null : "expected 404" + (api ? " problem+json" : "");
            };
        }
    }

    private Expectation expect(Rule rule, Persona persona, boolean ownTarget, String method, String pattern) {
        if (rule.anyone() && !persona.csrf() && !method.equals("GET") && !api(pattern)) {
            // A public page's form (a dataset request) still needs its CSRF token: without it, sent to sign in.
            return Expectation.UNAUTHENTICATED;
        }
        if (pattern.equals("/error") || pattern.startsWith("/internal/")) {
            // The error page asked for by its address has no error to show: not there, for anyone. Nor is the
            // writer's internal endpoint, to anyone without the node token.
            return Expectation.HIDDEN;
        }
        if (rule.anyone()) {
            return pattern.equals("/") ? Expectation.ALLOW : Expectation.ALLOW_NOT_REDIRECTED;
        }
        if (persona.anonymous()) {
            return Expectation.UNAUTHENTICATED;
        }
        if (!rule.roles().contains(persona.role())) {
            return Expectation.FORBIDDEN;
        }
        if (persona.token() != null
                && (rule.apiScope() == null || !persona.scopes().contains(rule.apiScope()))) {
            return Expectation.FORBIDDEN;
        }
        if (rule.tenantScoped() && !ownTarget && !rule.cross().contains(persona.role())) {
            return Expectation.HIDDEN;
        }
        return Expectation.ALLOW_NOT_REDIRECTED;
    }

    private static boolean api(String pattern) {
        return pattern.startsWith("/api/")
                || pattern.startsWith("/ledger/")
                || pattern.startsWith("/internal/")
                || pattern.startsWith("/actuator")
                || pattern.startsWith("/dsp/");
    }

    private static List<Boolean> targetsFor(String pattern) {
        return pattern.contains("{id}")
                        || pattern.contains("{name}")
                        || pattern.contains("{slug}")
                        || pattern.contains("{agreementId}")
                ? List.of(true, false)
                : List.of(true);
    }

    private String concrete(String method, String pattern, Persona persona, boolean own) {
        Long org = persona.orgId() == null ? healthOrg : persona.orgId();
        IntegrationObjects objects = integration.get(own ? org : saoMaiOrg);
        String id;
        DisputeObjects dispute = own ? healthDispute : saoMaiDispute;
        if (pattern.startsWith("/dsp/catalog/datasets/")) {
            id = "urn:datafloor:product:" + listedProductId;
        } else if (pattern.contains("/me/accesses/{id}")) {
            id = Long.toString(own ? citizenAccess : otherCitizenAccess);
        } else if (pattern.contains("/privacy/consents/{id}")) {
            id = Long.toString(own ? privacyObjects[0] : privacyObjects[1]);
        } else if (pattern.contains("/privacy/requests/{id}")) {
            id = Long.toString(own ? privacyObjects[2] : privacyObjects[3]);
        } else if (pattern.contains("/privacy/breaches/{id}")) {
            id = Long.toString(privacyObjects[4]);
        } else if (pattern.contains("/disputes/{id}")) {
            id = Long.toString(dispute.disputeId());
        } else if (pattern.contains("/contracts/{id}/dispute")) {
            id = Long.toString(dispute.contractId());
        } else if (pattern.contains("/entities/{id}")) {
            id = entityId;
        } else if ((method.equals("DELETE") && pattern.startsWith("/api/harvest/"))
                || pattern.equals("/harvest/{id}/delete")) {
            id = "999999"; // removing is idempotent: a source that is not there keeps the others' objects
        } else if (pattern.startsWith("/harvest/{id}") || pattern.startsWith("/api/harvest/sources/{id}")) {
            id = Long.toString(harvestSourceId);
        } else if (pattern.startsWith("/catalog/remote/{id}")) {
            id = Long.toString(remoteEntryId);
        } else if (pattern.contains("/sources/{id}")) {
            id = Long.toString(objects.sourceId());
        } else if (pattern.contains("/pipelines/{id}")) {
            id = Long.toString(objects.pipelineId());
        } else if (pattern.contains("/runs/{id}")) {
            id = objects.runId();
        } else if (pattern.contains("api-keys/{id}")) {
            id = own && ownKeyOf.containsKey(persona.name())
                    ? ownKeyOf.get(persona.name())
                    : own ? ownKeyOf.get("yte.admin") : otherOrgKey;
        } else if (pattern.startsWith("/api/dsp/transfers/{id}") || pattern.startsWith("/dataspace/transfers/{id}")) {
            id = Long.toString(consumerTransferOf.get(own ? org : saoMaiOrg));
        } else if (pattern.contains("/auctions/{id}")) {
            id = Long.toString(auctionId);
        } else if (pattern.contains("/products/{id}")) {
            id = Long.toString(listedProductId);
        } else if (pattern.contains("/offers/{id}")) {
            id = Long.toString(matrixOfferId);
        } else if (pattern.contains("/contracts/{id}")
                || pattern.contains("/agreements/{id}")
                || pattern.contains("{agreementId}")) {
            id = Long.toString(contractOf.get(own ? org : saoMaiOrg));
        } else if (pattern.contains("/users/{id}")) {
            id = Long.toString(own ? sameOrgUser.getOrDefault(org, sameOrgUser.get(healthOrg)) : otherOrgUser);
        } else {
            id = Long.toString(own ? org : saoMaiOrg);
        }
        // Public catalog pages are read on the demo's open dataset; a steward's pages on the organisation's own entry.
        String slug = EXPECTED.get(method + " " + pattern) != null
                        && EXPECTED.get(method + " " + pattern).anyone()
                ? PUBLIC_SLUG
                : objects.dataset().replace('.', '-');
        return pattern.replace("{id}", id)
                .replace("{name}", objects.dataset())
                .replace("{slug}", slug)
                .replace("{index}", "0")
                // The matrix pipeline's run quarantines its second record (no name).
                .replace("{record}", "2")
                .replace("{fileId}", Long.toString(dispute.fileId()))
                .replace("{agreementId}", id)
                .replace(
                        "{pid}",
                        (pattern.startsWith("/dsp/transfers/") ? "urn:matrix:transfer:" : "urn:matrix:negotiation:")
                                + org)
                .replace("{token}", "unknown-export-token")
                .replace("{allowanceId}", "999999")
                .replace("{orgId}", id)
                .replace("/**", "/liveness")
                .replace("/ledger/proof/inclusion", "/ledger/proof/inclusion?index=0&size=1")
                .replace("/ledger/proof/consistency", "/ledger/proof/consistency?from=1&to=1");
    }

    @Autowired
    vn.datafloor.server.privacy.AccessIndex accessIndex;

    /** The harvest source and its entry leave the shared application as they found it. */
    @org.junit.jupiter.api.AfterAll
    void removeHarvestSource() {
        harvests.remove(actorOf("admin"), harvestSourceId);
    }

    @Autowired
    vn.datafloor.server.harvest.HarvestService harvests;

    @Autowired
    vn.datafloor.server.catalog.RemoteCatalog remoteCatalog;

    private long harvestSourceId;
    private long remoteEntryId;

    /** An access that touched the demo citizen, and one that touched only another citizen. */
    long citizenAccess;

    long otherCitizenAccess;

    private void citizenAccessFixtures() {
        citizenAccess = recordMatrixAccess(List.of(vn.datafloor.server.demo.DemoData.CITIZEN, "079190000001"));
        otherCitizenAccess = recordMatrixAccess(List.of("079190000002"));
    }

    private long recordMatrixAccess(List<String> subjects) {
        accessIndex.recordAccess(
                new vn.datafloor.server.privacy.AccessIndex.AccessRecord(
                        contractOf.get(saoMaiOrg),
                        saoMaiOrg,
                        healthOrg,
                        "matrix.nguoi",
                        1,
                        "df:research",
                        vn.datafloor.server.privacy.AccessIndex.Channel.REST,
                        "sha256:matrix",
                        subjects.size(),
                        100,
                        clock.instant(),
                        actorOf("saomai.phantich")),
                accessIndex.prepare(subjects));
        return jdbc.sql("select max(id) from access_event").query(Long.class).single();
    }

    /**
     * Privacy objects, inserted as the services would leave them: a consent and a data-subject request of the
     * demo's citizen with the health department (own), the same of another citizen with Sao Mai (other), a breach.
     */
    final long[] privacyObjects = new long[5];

    private void privacyFixtures() {
        java.sql.Timestamp now = java.sql.Timestamp.from(clock.instant());
        java.sql.Timestamp later = java.sql.Timestamp.from(clock.instant().plus(Duration.ofDays(80)));
        String[][] parties = {
            {vn.datafloor.server.demo.DemoData.CITIZEN, Long.toString(healthOrg)},
            {"079190000321", Long.toString(saoMaiOrg)}
        };
        for (int i = 0; i < 2; i++) {
            String uuid = java.util.UUID.randomUUID().toString();
            long org = Long.parseLong(parties[i][1]);
            jdbc.sql(
                            "insert into privacy_consent(record_uuid, subject_id, subject_salt, controller_org, recipient_org, "
                                    + "purpose, legal_basis, data_categories, valid_from, given_at, channel, notice_text, "
                                    + "notice_sha256, notice_language, affirmative_act, status, status_at) values (?,?, "
                                    + "'00000000000000000000000000000000', ?,?, 'df:research', 'df:consent', 'name', ?,?, 'WEB', "
                                    + "'Nội dung đồng ý dùng cho ma trận phân quyền', "
                                    + "'0000000000000000000000000000000000000000000000000000000000000000', 'vi', true, 'GIVEN', ?)")
                    .params(uuid, parties[i][0], org, org, now, now, now)
                    .update();
            privacyObjects[i] = jdbc.sql("select id from privacy_consent where record_uuid = ?")
                    .param(uuid)
                    .query(Long.class)
                    .single();
            jdbc.sql("insert into privacy_request(filing_id, subject_id, subject_salt, org_id, kind, state, "
                            + "submitted_at, acknowledge_due, complete_due) values (?,?, "
                            + "'00000000000000000000000000000000', ?, 'ACCESS', 'SUBMITTED', ?,?,?)")
                    .params(uuid, parties[i][0], org, now, later, later)
                    .update();
            privacyObjects[2 + i] = jdbc.sql("select id from privacy_request where filing_id = ?")
                    .param(uuid)
                    .query(Long.class)
                    .single();
        }
        jdbc.sql("insert into privacy_breach(declared_at, datasets, occurred_from, occurred_to, description, contact, "
                        + "notify_due) values (?, 'matrix.people', ?, ?, 'Sự cố dùng cho ma trận phân quyền', "
                        + "'Đầu mối ma trận', ?)")
                .params(now, now, now, later)
                .update();
        privacyObjects[4] =
                jdbc.sql("select max(id) from privacy_breach").query(Long.class).single();
    }

    /** A contract, an open dispute on it and an evidence file, between two organisations (ids). */
    record DisputeObjects(long contractId, long disputeId, long fileId) {}

    DisputeObjects healthDispute;
    DisputeObjects saoMaiDispute;

    /**
     * A dispute the health department is a party of, and one between Sao Mai and a research institute it
     * is not, inserted as the dispute service would leave them.
     */
    private void disputeFixtures() throws Exception {
        long institute = users.findByUsername("vien.phantich").orElseThrow().orgId();
        jdbc.sql("insert into exchange_product(org_id, catalog_slug, title, description, delivery, status, created_at, "
                        + "updated_at) values (?, 'matrix-saomai', 'Sản phẩm tranh chấp', 'Sản phẩm dùng cho ma trận "
                        + "phân quyền', 'LATEST', 'APPROVED', current_timestamp, current_timestamp)")
                .param(saoMaiOrg)
                .update();
        long saoMaiProduct = jdbc.sql("select max(id) from exchange_product")
                .query(Long.class)
                .single();
        healthDispute = disputeBetween(listedProductId, healthOrg, institute, "health");
        saoMaiDispute = disputeBetween(saoMaiProduct, saoMaiOrg, institute, "saomai");
    }

    private DisputeObjects disputeBetween(long productId, long provider, long buyer, String tag) throws Exception {
        jdbc.sql("insert into exchange_offer(product_id, title, price_model, price, vat_percent, sold, duration_days, "
                        + "approval_required, policy, active, created_at) values (?, 'Ma trận', 'ONE_TIME', 0, 10, 0, 30, "
                        + "false, ?, true, current_timestamp)")
                .params(
                        productId,
                        "{\"@context\": \"http://www.w3.org/ns/odrl.jsonld\", \"@type\": \"Offer\", "
                                + "\"uid\": \"urn:matrix-" + tag + "\", \"permission\": [{\"action\": \"use\"}]}")
                .update();
        long offerId =
                jdbc.sql("select max(id) from exchange_offer").query(Long.class).single();
        jdbc.sql(
                        "insert into exchange_contract(offer_id, product_id, provider_org, buyer_org, state, purpose, scenario, "
                                + "order_key, price, vat, platform_fee, requested_at, periods_charged) values (?,?,?,?, "
                                + "'FINALIZED', 'df:research', 'Ma trận phân quyền', ?, 0, 0, 0, current_timestamp, 1)")
                .params(offerId, productId, provider, buyer, "matrix:" + tag)
                .update();
        long contractId = jdbc.sql("select id from exchange_contract where order_key = ?")
                .param("matrix:" + tag)
                .query(Long.class)
                .single();
        java.sql.Timestamp now = java.sql.Timestamp.from(clock().instant());
        jdbc.sql(
                        "insert into exchange_dispute(contract_id, claimant_org, respondent_org, state, claim, amount_claimed, "
                                + "opened_at, response_due, decision_due, open_contract_id) values (?,?,?, 'OPEN', "
                                + "'Tranh chấp dùng cho ma trận phân quyền', 0, ?, ?, ?, ?)")
                .params(contractId, buyer, provider, now, now, now, contractId)
                .update();
        long disputeId = jdbc.sql("select id from exchange_dispute where open_contract_id = ?")
                .param(contractId)
                .query(Long.class)
                .single();
        byte[] bytes = ("evidence " + tag).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String sha = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        jdbc.sql(
                        "insert into exchange_dispute_file(dispute_id, party_org, stage, file_name, content_type, size_bytes, "
                                + "sha256, uploaded_at) values (?,?, 'CLAIM', 'evidence.txt', 'text/plain', ?, ?, current_timestamp)")
                .params(disputeId, buyer, bytes.length, sha)
                .update();
        long fileId = jdbc.sql("select max(id) from exchange_dispute_file")
                .query(Long.class)
                .single();
        java.nio.file.Path stored = DATA_DIR.resolve("disputes").resolve(Long.toString(disputeId));
        java.nio.file.Files.createDirectories(stored);
        java.nio.file.Files.write(stored.resolve(Long.toString(fileId)), bytes);
        return new DisputeObjects(contractId, disputeId, fileId);
    }

    /** A source, pipeline, finished run and dataset of one organisation. */
    record IntegrationObjects(long sourceId, long pipelineId, String runId, String dataset) {}

    final Map<Long, IntegrationObjects> integration = new LinkedHashMap<>();

    long listedProductId;

    long matrixOfferId;

    /** A contract per organisation, with it as buyer (Sao Mai's is between Sao Mai and itself). */
    final Map<Long, Long> contractOf = new LinkedHashMap<>();

    /** Each organisation's consumer-side DSP transfer. */
    final Map<Long, Long> consumerTransferOf = new LinkedHashMap<>();

    long auctionId;

    private IntegrationObjects integrationObjects(long orgId, String prefix) throws Exception {
        var source = sources.register(
                vn.datafloor.server.authz.Actor.SYSTEM,
                orgId,
                prefix + ".matrix",
                "csv",
                Map.of("encoding", "utf-8"),
                null);
        sources.upload(
                vn.datafloor.server.authz.Actor.SYSTEM,
                source.id(),
                "people.csv",
                new java.io.ByteArrayInputStream(
                        "record_id,ho_ten\n1,Nguyễn Văn An\n2,\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        var pipeline =
                pipelines.save(vn.datafloor.server.authz.Actor.SYSTEM, orgId, """
                pipeline: %s-matrix
                source: {ref: %s.matrix}
                target: {dataset: %s.matrix}
                mapping: {record_id: record_id, full_name: ho_ten}
                quality:
                  - {rule: completeness, columns: [full_name], severity: reject}
                key: [record_id]
                """.formatted(prefix, prefix, prefix));
        var run = runs.runAndWait(vn.datafloor.server.authz.Actor.SYSTEM, pipeline.id(), "DEMO");
        assertThat(run.status()).as(run.error()).isEqualTo("SUCCEEDED");
        return new IntegrationObjects(source.id(), pipeline.id(), run.id(), prefix + ".matrix");
    }

    private MockHttpServletRequestBuilder build(String method, String url, Persona persona) {
        MockHttpServletRequestBuilder builder = request(HttpMethod.valueOf(method), url);
        if (url.endsWith("/file")) {
            builder.contentType(MediaType.MULTIPART_FORM_DATA); // no file part: an allowed request stops at 400
        } else if (!"GET".equals(method)) {
            // Unreadable on purpose: an allowed request stops at input validation and changes nothing.
            builder.contentType(MediaType.APPLICATION_JSON).content("\"matrix\"");
        }
        if (api(url)) {
            builder.accept(MediaType.APPLICATION_JSON);
        }
        if (persona.session() != null) {
            builder.session(persona.session());
        }
        if (persona.token() != null) {
            builder.header("Authorization", "Bearer " + persona.token());
        } else if (persona.csrf()) {
            builder.with(csrf());
        }
        return builder;
    }

    /** The demo password, named here so the matrix reads clearly. */
    static final class DemoPasswords {
        static final String DEMO = vn.datafloor.server.demo.DemoData.PASSWORD;
    }
}

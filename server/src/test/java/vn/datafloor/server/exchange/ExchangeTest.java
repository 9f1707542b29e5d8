package vn.datafloor.server.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.identity.UserService;

/** What the exchange's tests share: its services, the demo's people and listed product, balances, the ledger's relay. */
abstract class ExchangeTest extends PlatformTest {

    @Autowired
    OfferService offers;

    @Autowired
    ContractService contracts;

    @Autowired
    ProductService products;

    @Autowired
    MoneyJournal journal;

    @Autowired
    BankStatements statements;

    @Autowired
    InvoiceBook invoices;

    @Autowired
    UserService users;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AuditLog auditLog;

    /** A demo account acting as itself. */
    Actor actor(String username) {
        UserAccount u = users.findByUsername(username).orElseThrow();
        return new Actor(u.id(), u.username(), u.orgId(), u.roles(), null, Set.of());
    }

    long cash(long orgId) {
        return journal.balance(
                journal.account(orgId, MoneyJournal.AccountKind.CASH).id());
    }

    long held(long orgId) {
        return journal.balance(
                journal.account(orgId, MoneyJournal.AccountKind.HELD).id());
    }

    void topUp(long orgId, long amount, String bankRef) {
        statements.credit(journal.account(orgId, MoneyJournal.AccountKind.CASH), amount, bankRef, null);
    }

    long trialTotal() {
        return journal.trialBalance().total();
    }

    /**
     * The demo's product of the market surveillance's catalog entry, listed. Tests share one
     * application: another test may have changed its classification or offers, which sends it back to
     * inspection; the operator then approves it again, as they would.
     */
    ProductService.Product listedProduct() {
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

    /** Entries of committed transactions are appended by the audit relay: wait until it has caught up. */
    void awaitLedger() {
        try {
            assertThat(auditLog.awaitRelayed(Duration.ofSeconds(30))).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

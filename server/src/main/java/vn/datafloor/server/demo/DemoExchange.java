package vn.datafloor.server.demo;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.exchange.BankStatements;
import vn.datafloor.server.exchange.MoneyJournal;
import vn.datafloor.server.identity.UserService;

/**
 * The demo's money: buyers have topped up by bank transfer, and the platform reconciled the bank's
 * statement as the operator would upload it (one line without a reference stays unmatched). Bank
 * references are fixed, so a restart credits nothing twice.
 */
@Component
@Order(40)
@ConditionalOnProperty(name = "datafloor.demo", havingValue = "true")
class DemoExchange implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoExchange.class);

    private final MoneyJournal journal;
    private final BankStatements statements;
    private final UserService users;

    DemoExchange(MoneyJournal journal, BankStatements statements, UserService users) {
        this.journal = journal;
        this.statements = statements;
        this.users = users;
    }

    @Override
    public void run(ApplicationArguments args) {
        String saoMai = reference("saomai.admin");
        String institute = reference("vien.phantich");
        String health = reference("yte.admin");
        String statement = "date,amount,description,bank_ref\n"
                + "2026-11-28,50.000.000,CONG TY SAO MAI NAP TIEN " + saoMai + ",VCB-DEMO-0001\n"
                + "2026-11-29,12.000.000,VIEN NC KINH TE SO " + institute + " NAP TIEN,VCB-DEMO-0002\n"
                + "2026-11-30,3.000.000,SO Y TE HN " + health + ",VCB-DEMO-0003\n"
                + "2026-11-30,1.500.000,chuyen khoan khong ghi ma,VCB-DEMO-0004\n";
        BankStatements.Reconciliation result = statements.reconcile(
                Actor.SYSTEM, new ByteArrayInputStream(statement.getBytes(StandardCharsets.UTF_8)));
        log.info("Demo exchange: {} top-up(s) credited, {} đồng", result.creditedLines(), result.credited());
    }

    private String reference(String username) {
        long orgId = users.findByUsername(username).orElseThrow().orgId();
        return journal.account(orgId, MoneyJournal.AccountKind.CASH).reference();
    }
}

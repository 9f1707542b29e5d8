package vn.datafloor.server.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The purchase writer: shared commits, and one unit's failure rolled back alone. */
class GroupCommitTest {

    private JdbcClient jdbc;
    private GroupCommit writer;

    @BeforeEach
    void open() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:group-commit-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        jdbc = JdbcClient.create(dataSource);
        jdbc.sql("create table unit(id int primary key, owner varchar(20))").update();
        writer = new GroupCommit(new TransactionTemplate(new DataSourceTransactionManager(dataSource)), "test-writer");
    }

    @AfterEach
    void close() {
        writer.close();
    }

    @Test
    void everyUnitFromManyThreadsIsCommittedOnceAndAFailingUnitLeavesNothingOfItsOwn() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int n = i;
            results.add(pool.submit(() -> writer.run(() -> {
                jdbc.sql("insert into unit(id, owner) values (?, ?)")
                        .params(n, "thread")
                        .update();
                if (n % 7 == 0) {
                    // Fails after writing: its row must go, the others' must stay.
                    throw new IllegalStateException("refused " + n);
                }
                return n;
            })));
        }
        int refused = 0;
        for (int i = 0; i < results.size(); i++) {
            try {
                assertThat(results.get(i).get()).isEqualTo(i);
                // Returned means committed: another connection sees it.
                assertThat(jdbc.sql("select count(*) from unit where id = ?")
                                .param(i)
                                .query(Long.class)
                                .single())
                        .isEqualTo(1L);
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause())
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("refused " + i);
                refused++;
            }
        }
        pool.shutdown();
        assertThat(refused).isEqualTo(58);
        assertThat(jdbc.sql("select count(*) from unit").query(Long.class).single())
                .isEqualTo(400L - 58);
        assertThat(jdbc.sql("select count(*) from unit where mod(id, 7) = 0")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void aUnitTheDatabaseRefusesIsRolledBackAloneAndTheNextCommits() {
        // A duplicate key fails the statement; rolled back to its savepoint, the batch goes on.
        jdbc.sql("insert into unit(id, owner) values (1, 'before')").update();
        assertThatThrownBy(() -> writer.run(() -> jdbc.sql("insert into unit(id, owner) values (1, 'again')")
                        .update()))
                .isInstanceOf(org.springframework.dao.DuplicateKeyException.class);
        assertThat(writer.run(() -> jdbc.sql("insert into unit(id, owner) values (2, 'after')")
                        .update()))
                .isEqualTo(1);
        assertThat(jdbc.sql("select owner from unit order by id")
                        .query(String.class)
                        .list())
                .containsExactly("before", "after");
    }
}

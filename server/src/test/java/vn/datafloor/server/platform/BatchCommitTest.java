package vn.datafloor.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The batch writer: each caller gets its own item's outcome once the batch has committed, and a batch
 * that cannot commit is run again item by item, so one item's trouble decides nobody else's outcome.
 */
class BatchCommitTest {

    private JdbcClient jdbc;
    private TransactionTemplate transactions;
    private final AtomicInteger batches = new AtomicInteger();
    private final AtomicInteger alone = new AtomicInteger();

    @BeforeEach
    void open() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:batch-commit-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        jdbc = JdbcClient.create(dataSource);
        jdbc.sql("create table item(id int primary key, owner varchar(20))").update();
        transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    /**
     * Inserts the batch's items in one statement, refusing (before writing) those whose number is a
     * multiple of 7, as a batch function decides first and writes only what passed.
     */
    private List<BatchCommit.Outcome<Integer>> insertAll(List<Integer> items) {
        batches.incrementAndGet();
        List<BatchCommit.Outcome<Integer>> outcomes = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        for (int n : items) {
            if (n % 7 == 0) {
                outcomes.add(BatchCommit.Outcome.refused(new IllegalStateException("refused " + n)));
            } else {
                outcomes.add(BatchCommit.Outcome.of(n));
                values.add(n);
                values.add("batch");
            }
        }
        if (!values.isEmpty()) {
            jdbc.sql("insert into item(id, owner) values "
                            + String.join(",", java.util.Collections.nCopies(values.size() / 2, "(?,?)")))
                    .params(values)
                    .update();
        }
        return outcomes;
    }

    private int insertOne(int n) {
        alone.incrementAndGet();
        jdbc.sql("insert into item(id, owner) values (?, 'alone')").param(n).update();
        return n;
    }

    @AfterEach
    void close() {
        alone.set(0);
        batches.set(0);
    }

    @Test
    void everyCallerGetsItsOwnItemsOutcomeOnceCommitted() throws Exception {
        try (BatchCommit<Integer, Integer> writer =
                new BatchCommit<>(transactions, "test-batches", this::insertAll, this::insertOne)) {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 1; i <= 400; i++) {
                int n = i;
                results.add(pool.submit(() -> writer.run(n)));
            }
            int refused = 0;
            for (int i = 0; i < results.size(); i++) {
                int n = i + 1;
                try {
                    assertThat(results.get(i).get()).isEqualTo(n);
                    // Returned means committed: another connection sees it.
                    assertThat(jdbc.sql("select count(*) from item where id = ?")
                                    .param(n)
                                    .query(Long.class)
                                    .single())
                            .isEqualTo(1L);
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).hasMessage("refused " + n);
                    refused++;
                }
            }
            pool.shutdown();
            assertThat(refused).isEqualTo(57);
            assertThat(jdbc.sql("select count(*) from item where owner = 'batch'")
                            .query(Long.class)
                            .single())
                    .isEqualTo(400L - 57);
            assertThat(alone).hasValue(0);
            assertThat(batches.get()).isLessThanOrEqualTo(400);
        }
    }

    @Test
    void aBatchThatCannotCommitIsRunAgainItemByItem() throws Exception {
        // Item 2 is in the table already: a batch holding it fails as a whole; alone, only item 2 fails.
        jdbc.sql("insert into item(id, owner) values (2, 'before')").update();
        try (BatchCommit<Integer, Integer> writer =
                new BatchCommit<>(transactions, "test-batches", this::insertAll, this::insertOne)) {
            ExecutorService pool = Executors.newFixedThreadPool(3);
            List<Future<Integer>> results = new ArrayList<>();
            for (int n : List.of(1, 2, 3)) {
                results.add(pool.submit(() -> writer.run(n)));
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<Integer> result : results) {
                try {
                    outcomes.add("made " + result.get());
                } catch (ExecutionException e) {
                    outcomes.add("refused " + e.getCause().getClass().getSimpleName());
                }
            }
            pool.shutdown();
            assertThat(outcomes).containsExactly("made 1", "refused DuplicateKeyException", "made 3");
        }
        // Items 1 and 3 once each (by the batch, or alone when they shared item 2's batch); item 2 untouched.
        assertThat(jdbc.sql("select id from item order by id")
                        .query(Integer.class)
                        .list())
                .containsExactly(1, 2, 3);
        assertThat(jdbc.sql("select owner from item where id = 2")
                        .query(String.class)
                        .single())
                .isEqualTo("before");
        assertThat(alone.get()).isGreaterThanOrEqualTo(1);
    }
}

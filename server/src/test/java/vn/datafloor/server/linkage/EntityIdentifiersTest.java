package vn.datafloor.server.linkage;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.server.linkage.EntityIdentifiers.Assignment;
import vn.datafloor.server.linkage.RegisterStore.EntityEvent;
import vn.datafloor.server.linkage.RegisterStore.Retirement;

/** Identifiers kept, merged, split and created, computed in DuckDB from small hand-built clusterings. */
class EntityIdentifiersTest {

    private Connection duck;
    private final AtomicInteger drawn = new AtomicInteger();
    private final Supplier<String> newIds = () -> "NEW-" + drawn.incrementAndGet();

    @BeforeEach
    void open() throws SQLException {
        duck = DuckDbConnections.open(null, "256MB", 1);
        execute("CREATE TABLE member (rid VARCHAR, cluster_id VARCHAR)");
        execute("CREATE TABLE previous (record_key VARCHAR, entity_id VARCHAR)");
    }

    @AfterEach
    void close() throws SQLException {
        duck.close();
    }

    @Test
    void aRebuildThatFindsTheSameClustersKeepsEveryIdentifier() throws SQLException {
        previous("a1", "E1", "a2", "E1", "b1", "E2");
        clusters("x", "a1", "x", "a2", "y", "b1");

        Assignment assignment = EntityIdentifiers.assign(duck, newIds);

        assertThat(entityOfCluster()).containsExactly(Map.entry("x", "E1"), Map.entry("y", "E2"));
        assertThat(assignment.events()).isEmpty();
        assertThat(assignment.retirements()).isEmpty();
        assertThat(assignment)
                .extracting(Assignment::created, Assignment::merged, Assignment::split)
                .containsExactly(0L, 0L, 0L);
    }

    @Test
    void twoEntitiesInOneClusterMergeIntoTheOneMostRecordsBelongedTo() throws SQLException {
        previous("a1", "E1", "a2", "E1", "b1", "E2");
        clusters("x", "a1", "x", "a2", "x", "b1");

        Assignment assignment = EntityIdentifiers.assign(duck, newIds);

        assertThat(entityOfCluster()).containsExactly(Map.entry("x", "E1"));
        assertThat(assignment.events())
                .containsExactly(
                        new EntityEvent("E2", "MERGED", "merged into E1"),
                        new EntityEvent("E1", "MERGED", "absorbed E2"));
        assertThat(assignment.retirements()).containsExactly(new Retirement("E2", "E1"));
        assertThat(assignment)
                .extracting(Assignment::created, Assignment::merged, Assignment::split)
                .containsExactly(0L, 1L, 0L);
    }

    @Test
    void aSplitLeavesTheIdentifierWithTheLargerPartAndGivesTheOtherANewOne() throws SQLException {
        previous("a1", "E1", "a2", "E1", "a3", "E1");
        clusters("small", "a3", "large", "a1", "large", "a2");

        Assignment assignment = EntityIdentifiers.assign(duck, newIds);

        assertThat(entityOfCluster()).containsExactly(Map.entry("large", "E1"), Map.entry("small", "NEW-1"));
        assertThat(assignment.events())
                .containsExactly(
                        new EntityEvent("NEW-1", "SPLIT", "split from E1"),
                        new EntityEvent("E1", "SPLIT", "records moved to NEW-1"));
        assertThat(assignment.retirements()).isEmpty();
        assertThat(assignment)
                .extracting(Assignment::created, Assignment::merged, Assignment::split)
                .containsExactly(1L, 0L, 1L);
    }

    @Test
    void recordsNeverSeenBeforeMakeANewEntity() throws SQLException {
        previous("a1", "E1");
        clusters("x", "a1", "y", "n1", "y", "n2");

        Assignment assignment = EntityIdentifiers.assign(duck, newIds);

        assertThat(entityOfCluster()).containsExactly(Map.entry("y", "NEW-1"), Map.entry("x", "E1"));
        assertThat(assignment.events())
                .containsExactly(new EntityEvent("NEW-1", "CREATED", "created from 2 record(s)"));
        assertThat(assignment)
                .extracting(Assignment::created, Assignment::merged, Assignment::split)
                .containsExactly(1L, 0L, 0L);
    }

    @Test
    void clustersChooseInOrderOfSizeSoASecondChoiceIsTakenBeforeASmallerClustersFirst() throws SQLException {
        // p1 (4 records) takes E1; p2 (3) wanted E1 too, so takes its second choice E2; p3 (2) wanted
        // E2 and, finding it taken by a larger cluster, is split off with a new identifier.
        previous(
                "a1", "E1", "a2", "E1", "a3", "E1", "a4", "E1", "b1", "E1", "b2", "E1", "b3", "E2", "c1", "E2", "c2",
                "E2");
        clusters(
                "p1", "a1", "p1", "a2", "p1", "a3", "p1", "a4", "p2", "b1", "p2", "b2", "p2", "b3", "p3", "c1", "p3",
                "c2");

        Assignment assignment = EntityIdentifiers.assign(duck, newIds);

        assertThat(entityOfCluster())
                .containsExactly(Map.entry("p1", "E1"), Map.entry("p2", "E2"), Map.entry("p3", "NEW-1"));
        assertThat(assignment.events())
                .containsExactly(
                        new EntityEvent("NEW-1", "SPLIT", "split from E2"),
                        new EntityEvent("E2", "SPLIT", "records moved to NEW-1"));
        assertThat(assignment)
                .extracting(Assignment::created, Assignment::merged, Assignment::split)
                .containsExactly(1L, 0L, 1L);
    }

    @Test
    void anEntityWhoseRecordsAreAllGoneIsRetiredWithoutASurvivor() throws SQLException {
        previous("a1", "E1", "gone", "E9");
        clusters("x", "a1");

        Assignment assignment = EntityIdentifiers.assign(duck, newIds);

        assertThat(assignment.retirements()).containsExactly(new Retirement("E9", null));
    }

    private void previous(String... recordThenEntity) throws SQLException {
        insert("previous", recordThenEntity);
    }

    private void clusters(String... clusterThenRecord) throws SQLException {
        String[] swapped = new String[clusterThenRecord.length];
        for (int i = 0; i < clusterThenRecord.length; i += 2) {
            swapped[i] = clusterThenRecord[i + 1];
            swapped[i + 1] = clusterThenRecord[i];
        }
        insert("member", swapped);
    }

    private void insert(String table, String... pairs) throws SQLException {
        try (var insert = duck.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
            for (int i = 0; i < pairs.length; i += 2) {
                insert.setString(1, pairs[i]);
                insert.setString(2, pairs[i + 1]);
                insert.executeUpdate();
            }
        }
    }

    private Map<String, String> entityOfCluster() throws SQLException {
        Map<String, String> assigned = new LinkedHashMap<>();
        try (Statement statement = duck.createStatement();
                ResultSet rs =
                        statement.executeQuery("SELECT cluster_id, entity_id FROM cluster_entity ORDER BY priority")) {
            while (rs.next()) {
                assigned.put(rs.getString(1), rs.getString(2));
            }
        }
        return assigned;
    }

    private void execute(String sql) throws SQLException {
        try (Statement statement = duck.createStatement()) {
            statement.execute(sql);
        }
    }
}

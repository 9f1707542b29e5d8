package vn.datafloor.server.linkage;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vn.datafloor.integration.lake.DuckDbConnections;

/** Survivorship in DuckDB: trust first, then recency, with the record each value came from. */
class GoldenValuesTest {

    private Connection duck;

    @BeforeEach
    void open() throws SQLException {
        duck = DuckDbConnections.open(null, "256MB", 1);
        execute("""
                CREATE TABLE member (rid VARCHAR, dataset VARCHAR, version INTEGER, record_id VARCHAR, full_name VARCHAR,
                name_key VARCHAR, birth_date DATE, sex VARCHAR, personal_id VARCHAR, phone VARCHAR, commune_code VARCHAR,
                province_code VARCHAR, cluster_id VARCHAR)""");
    }

    @AfterEach
    void close() throws SQLException {
        duck.close();
    }

    @Test
    void eachAttributeComesFromTheMostTrustedThenMostRecentRecordThatHasOne() throws SQLException {
        execute("""
                INSERT INTO member VALUES
                ('tax|2', 'tax', 3, '2', 'Nguyen Van An', 'nguyen van an', DATE '1980-02-01', 'M', NULL, '0901', NULL, NULL, 'k'),
                ('civil|1', 'civil', 1, '1', 'Nguyễn Văn An', 'nguyen van an', DATE '1980-01-02', NULL, '001080000001', NULL, NULL, NULL, 'k'),
                ('tax|3', 'tax', 5, '3', NULL, NULL, NULL, NULL, NULL, '0902', NULL, NULL, 'k'),
                ('clinic|4', 'clinic', 9, '4', 'Nguyen An', NULL, NULL, 'F', NULL, '0999', '00001', '01', 'k'),
                ('civil|9', 'civil', 1, '9', 'Trần Thị Bình', 'tran thi binh', NULL, NULL, NULL, NULL, NULL, NULL, 'other')""");

        GoldenValues.compute(duck, List.of("civil", "tax"), "member");

        try (Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("""
                SELECT members, full_name, birth_date, sex, personal_id, phone, commune_code, provenance FROM golden
                WHERE cluster_id = 'k'""")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(4);
            assertThat(rs.getString(2)).as("trusted source first").isEqualTo("Nguyễn Văn An");
            assertThat(rs.getString(3)).isEqualTo("1980-01-02");
            assertThat(rs.getString(4))
                    .as("a less trusted source fills what a trusted one lacks")
                    .isEqualTo("M");
            assertThat(rs.getString(5)).isEqualTo("001080000001");
            assertThat(rs.getString(6))
                    .as("same trust: the more recent version")
                    .isEqualTo("0902");
            assertThat(rs.getString(7))
                    .as("an unlisted source, when it is the only one")
                    .isEqualTo("00001");
            assertThat(rs.getString(8))
                    .isEqualTo("{\"full_name\":\"civil v1 #1\",\"name_key\":\"civil v1 #1\","
                            + "\"birth_date\":\"civil v1 #1\",\"sex\":\"tax v3 #2\",\"personal_id\":\"civil v1 #1\",\"phone\":\"tax v5 #3\","
                            + "\"commune_code\":\"clinic v9 #4\",\"province_code\":\"clinic v9 #4\"}");
        }
        try (Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT members, birth_date, provenance FROM golden WHERE cluster_id = 'other'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isOne();
            assertThat(rs.getString(2)).isNull();
            assertThat(rs.getString(3))
                    .as("only attributes with a value have a source")
                    .isEqualTo("{\"full_name\":\"civil v1 #9\",\"name_key\":\"civil v1 #9\"}");
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement statement = duck.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void entitiesTakenInSlicesGetTheSameValuesAsAllAtOnce() throws SQLException {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            String cluster = "'k" + (i % 17) + "'";
            rows.append(i == 0 ? "" : ",")
                    .append("('src")
                    .append(i % 3)
                    .append("|")
                    .append(i)
                    .append("', 'src")
                    .append(i % 3)
                    .append("', ")
                    .append(1 + i % 4)
                    .append(", '")
                    .append(i)
                    .append("', ")
                    .append(i % 5 == 0 ? "NULL" : "'Tên " + i + "'")
                    .append(", NULL, DATE '1990-01-01' + ")
                    .append(i)
                    .append(", NULL, ")
                    .append(i % 2 == 0 ? "NULL" : "'0010900000" + (10 + i) + "'")
                    .append(", NULL, NULL, NULL, ")
                    .append(cluster)
                    .append(")");
        }
        execute("INSERT INTO member VALUES " + rows);
        List<String> trust = List.of("src2", "src0");

        GoldenValues.compute(duck, trust, "member", Long.MAX_VALUE);
        execute("CREATE TABLE whole AS SELECT * FROM golden");
        GoldenValues.compute(duck, trust, "member", 7);

        try (Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("""
                SELECT (SELECT count(*) FROM whole), (SELECT count(*) FROM golden),
                (SELECT count(*) FROM (SELECT * FROM whole EXCEPT SELECT * FROM golden))""")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(17);
            assertThat(rs.getLong(2)).isEqualTo(17);
            assertThat(rs.getLong(3)).as("rows that differ").isZero();
        }
    }
}

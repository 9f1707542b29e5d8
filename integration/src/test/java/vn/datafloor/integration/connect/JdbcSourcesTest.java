package vn.datafloor.integration.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JdbcSourcesTest {

    @TempDir
    Path inbox;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "jdbc:h2:mem:x;INIT=CREATE ALIAS P FOR 'java.lang.System.getProperty'",
                "jdbc:h2:file:/srv/datafloor/data/db/datafloor",
                "jdbc:hsqldb:mem:x",
                "jdbc:derby:memory:x;create=true",
                "jdbc:sqlite:/etc/passwd",
                "jdbc:postgresql://db.example/x?socketFactory=org.springframework.context.support.ClassPathXmlApplicationContext",
                "jdbc:postgresql://db.example/x?sslfactory=x.Y",
                "jdbc:postgresql://db.example/x?loggerFile=/tmp/x",
                "jdbc:postgresql://db.example/x?sslrootcert=/etc/shadow",
                "jdbc:postgresql://db.example/x?SocketFactory=x",
                "jdbc:postgresql://db.example/x?socket%46actory=x",
                "jdbc:mysql://db.example/x?allowLoadLocalInfile=true",
                "jdbc:mysql://db.example/x?autoDeserialize=true",
                "jdbc:sqlserver://db.example:1433;socketFactoryClass=x",
                "jdbc:postgresql://u:p@db.example/x",
                "jdbc:duckdb::memory:",
                "jdbc:duckdb:x.duckdb?access_mode=READ_WRITE",
                "jdbc:unknown://x",
                "jdbc:postgresql://db.example/x\n?ssl=true"
            })
    void refusesUrlsThatCouldLoadCodeOrFiles(String url) {
        assertThat(JdbcSources.problems(url)).as(url).isNotEmpty();
    }

    @Test
    void acceptsNetworkDatabasesWithPlainParameters() {
        assertThat(JdbcSources.problems(
                        "jdbc:postgresql://db.agency.gov.vn:5432/hotich?sslmode=require&ApplicationName=df"))
                .isEmpty();
        assertThat(JdbcSources.resolve("jdbc:postgresql://a.example,b.example:5433/x", inbox)
                        .hosts())
                .containsExactly("a.example", "b.example");
        assertThat(JdbcSources.problems("jdbc:sqlserver://db.example:1433;databaseName=x;encrypt=true"))
                .isEmpty();
    }

    @Test
    void aDuckDbFileMustLieInTheInbox() throws Exception {
        Files.writeString(inbox.resolve("agency.duckdb"), "x");
        assertThat(JdbcSources.resolve("jdbc:duckdb:agency.duckdb", inbox).duckDbFile())
                .isEqualTo(inbox.resolve("agency.duckdb"));
        assertThatThrownBy(() -> JdbcSources.resolve("jdbc:duckdb:../agency.duckdb", inbox))
                .isInstanceOf(SecurityRefusal.class);
        assertThatThrownBy(() -> JdbcSources.resolve("jdbc:duckdb:/etc/passwd", inbox))
                .isInstanceOf(SecurityRefusal.class);
        Files.createSymbolicLink(inbox.resolve("link.duckdb"), Path.of("/etc/passwd"));
        assertThatThrownBy(() -> JdbcSources.resolve("jdbc:duckdb:link.duckdb", inbox))
                .isInstanceOf(SecurityRefusal.class);
    }

    @Test
    void errorTextsLoseTheirValues() {
        assertThat(ErrorTexts.withoutValues(
                        "Conversion Error: Could not convert string '001203004567' to INT32 in \"cccd\""))
                .doesNotContain("001203004567")
                .contains("INT32");
        assertThat(ErrorTexts.withoutValues(
                        "Conversion Error: date field value out of range: \"Nguyễn\", expected format"))
                .doesNotContain("Nguyễn")
                .contains("out of range");
        assertThat(ErrorTexts.withoutValues("value 001203004567 out of range")).doesNotContain("001203004567");
    }
}

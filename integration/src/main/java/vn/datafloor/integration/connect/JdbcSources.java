package vn.datafloor.integration.connect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The one validation of database URLs, for registered sources and sources written inline in a spec
 * alike. Network databases whose drivers are allow-listed by class, each with an allow-list of URL
 * parameters (parameters that load classes or read files, such as {@code socketFactory},
 * {@code sslfactory}, {@code loggerFile}, {@code allowLoadLocalInfile} or H2's {@code INIT}, are
 * never on it); in-process and file databases (H2, HSQLDB, Derby, SQLite…) are refused, except a
 * DuckDB file inside the organisation's own inbox, which is opened read-only on a locked connection.
 */
public final class JdbcSources {

    /** What a URL names: a network database (with its hosts) or a DuckDB file. */
    public record Target(String url, String driverClass, List<String> hosts, Path duckDbFile) {
        public boolean duckDb() {
            return duckDbFile != null;
        }
    }

    private record Kind(String prefix, Set<String> driverClasses, Set<String> parameters) {}

    private static final List<Kind> NETWORK = List.of(
            new Kind(
                    "jdbc:postgresql://",
                    Set.of("org.postgresql.Driver"),
                    Set.of(
                            "ssl",
                            "sslmode",
                            "connecttimeout",
                            "sockettimeout",
                            "logintimeout",
                            "applicationname",
                            "currentschema",
                            "readonly",
                            "tcpkeepalive",
                            "targetservertype",
                            "defaultrowfetchsize",
                            "preparethreshold",
                            "gssencmode")),
            new Kind(
                    "jdbc:mysql://",
                    Set.of("com.mysql.cj.jdbc.Driver"),
                    Set.of(
                            "usessl",
                            "sslmode",
                            "requiressl",
                            "connecttimeout",
                            "sockettimeout",
                            "servertimezone",
                            "characterencoding",
                            "useunicode",
                            "zerodatetimebehavior")),
            new Kind(
                    "jdbc:mariadb://",
                    Set.of("org.mariadb.jdbc.Driver"),
                    Set.of(
                            "sslmode",
                            "connecttimeout",
                            "sockettimeout",
                            "servertimezone",
                            "characterencoding",
                            "useunicode")),
            new Kind(
                    "jdbc:sqlserver://",
                    Set.of("com.microsoft.sqlserver.jdbc.SQLServerDriver"),
                    Set.of(
                            "databasename",
                            "database",
                            "encrypt",
                            "trustservercertificate",
                            "logintimeout",
                            "applicationname",
                            "hostnameincertificate",
                            "sockettimeout")),
            new Kind(
                    "jdbc:oracle:thin:@//",
                    Set.of("oracle.jdbc.OracleDriver", "oracle.jdbc.driver.OracleDriver"),
                    Set.of()));

    private static final String DUCKDB = "jdbc:duckdb:";

    private JdbcSources() {}

    /** What is wrong with a URL on its own (a DuckDB path is checked against the inbox when used). */
    public static List<String> problems(String url) {
        List<String> problems = new ArrayList<>();
        try {
            parse(url, null);
        } catch (SourceException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    /** Validates a URL for use by an organisation whose inbox is {@code inbox}; throws {@link SecurityRefusal}. */
    public static Target resolve(String url, Path inbox) {
        return parse(url, inbox);
    }

    private static Target parse(String url, Path inbox) {
        if (url == null || url.isBlank() || url.length() > 2000) {
            throw new SourceException("A jdbc source needs a url (at most 2000 characters)");
        }
        if (url.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw new SecurityRefusal("The database URL contains control characters");
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith(DUCKDB)) {
            return duckDb(url.substring(DUCKDB.length()), inbox);
        }
        for (Kind kind : NETWORK) {
            if (lower.startsWith(kind.prefix())) {
                String rest = url.substring(kind.prefix().length());
                int end = firstOf(rest, "/?;");
                String authority = end < 0 ? rest : rest.substring(0, end);
                if (authority.isEmpty() || authority.contains("@") || authority.contains("\\")) {
                    throw new SecurityRefusal("The database URL must name a host after //, without user or password");
                }
                List<String> hosts = new ArrayList<>();
                for (String hostPort : authority.split(",")) {
                    hosts.add(host(hostPort));
                }
                for (Map.Entry<String, String> parameter :
                        parameters(end < 0 ? "" : rest.substring(end)).entrySet()) {
                    if (!kind.parameters().contains(parameter.getKey())) {
                        throw new SecurityRefusal("The database URL parameter " + parameter.getKey() + " is not allowed"
                                + (kind.parameters().isEmpty() ? "" : "; allowed: " + kind.parameters()));
                    }
                }
                return new Target(url, String.join("|", kind.driverClasses()), hosts, null);
            }
        }
        throw new SecurityRefusal(
                "This kind of database URL is not allowed: use a PostgreSQL, MySQL, MariaDB, SQL Server or"
                        + " Oracle server (jdbc:postgresql://host/db …), or a DuckDB file in your organisation's inbox (jdbc:duckdb:file.duckdb)");
    }

    /**
     * Checks, just before connecting to a network database, that the driver DriverManager picked is
     * the allow-listed class. A DuckDB file is never opened here: only on a locked connection from
     * {@code DuckDbConnections}.
     */
    public static Driver driver(Target target) {
        if (target.duckDb()) {
            throw new IllegalArgumentException(
                    "A DuckDB file is attached to a locked connection, not opened through a driver");
        }
        try {
            Driver driver = DriverManager.getDriver(target.url());
            if (!Set.of(target.driverClass().split("\\|"))
                    .contains(driver.getClass().getName())) {
                throw new SecurityRefusal(
                        "The database driver " + driver.getClass().getName() + " is not allowed");
            }
            return driver;
        } catch (SQLException e) {
            throw new SourceException("No driver for this kind of database is installed on the platform");
        }
    }

    private static Target duckDb(String file, Path inbox) {
        if (file.isBlank() || file.contains("?") || file.startsWith(":memory:") || file.contains("\0")) {
            throw new SecurityRefusal("A DuckDB source is a file in your organisation's inbox, without parameters");
        }
        if (inbox == null) {
            // Whether the path lies in the inbox is known only where the inbox is: when the source is used.
            return new Target(DUCKDB + file, "org.duckdb.DuckDBDriver", List.of(), Path.of(file));
        }
        Path root = inbox.toAbsolutePath().normalize();
        Path resolved = root.resolve(file).normalize();
        if (!resolved.startsWith(root)) {
            throw new SecurityRefusal("A DuckDB source must be a file inside your organisation's inbox");
        }
        if (!Files.isRegularFile(resolved)) {
            throw new SourceException(
                    "No DuckDB file at " + root.relativize(resolved) + " in your organisation's inbox");
        }
        try {
            if (!resolved.toRealPath().startsWith(root.toRealPath())) {
                throw new SecurityRefusal("A DuckDB source must be a file inside your organisation's inbox");
            }
        } catch (java.io.IOException e) {
            throw new SourceException("The DuckDB file cannot be read");
        }
        return new Target(DUCKDB + resolved, "org.duckdb.DuckDBDriver", List.of(), resolved);
    }

    private static String host(String hostPort) {
        String host;
        String port = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new SecurityRefusal("The database URL's host is not valid");
            }
            host = hostPort.substring(0, close + 1);
            port = hostPort.length() > close + 1 && hostPort.charAt(close + 1) == ':'
                    ? hostPort.substring(close + 2)
                    : null;
        } else {
            int colon = hostPort.indexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            port = colon < 0 ? null : hostPort.substring(colon + 1);
        }
        if (!host.matches("[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+]") || port != null && !port.matches("\\d{1,5}")) {
            throw new SecurityRefusal("The database URL's host or port is not valid");
        }
        return host;
    }

    /** Parameters after '?' ('&'-separated) or ';' (SQL Server's form), names lower-cased. */
    private static Map<String, String> parameters(String tail) {
        Map<String, String> parameters = new java.util.LinkedHashMap<>();
        int start = firstOf(tail, "?;");
        if (start < 0) {
            return parameters;
        }
        for (String part : tail.substring(start + 1).split("[&;]")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = java.net.URLDecoder.decode(
                            eq < 0 ? part : part.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8)
                    .strip()
                    .toLowerCase(Locale.ROOT);
            parameters.put(name, eq < 0 ? "" : part.substring(eq + 1));
        }
        return parameters;
    }

    private static int firstOf(String text, String characters) {
        int best = -1;
        for (char c : characters.toCharArray()) {
            int i = text.indexOf(c);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }
}

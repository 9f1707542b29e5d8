package vn.datafloor.spark;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lockdown;
import vn.datafloor.integration.standardize.ReferenceTables;
import vn.datafloor.integration.standardize.Standardizers;

/**
 * Runs one row-wise SQL query over each partition of a Spark dataset inside an embedded DuckDB, with
 * the standardizer macros installed. This is how the standardizers, the pipelines' mappings and
 * checks and the linkage models' column expressions run on Spark: the same SQL text, compiled by the
 * same engine, so there is one definition of each standardizer and nothing to drift (a port to Spark
 * SQL functions would be a second definition, and DuckDB's dialect (structs, lists, strptime,
 * lambdas) has no one-to-one counterpart). The query sees the partition as table {@code input}
 * (every column VARCHAR) and must be row-wise: no ordering, grouping or window across rows, as a
 * partition is not the whole dataset. Each task's DuckDB is sealed (no files, network or settings),
 * as the one-JVM runners seal theirs.
 */
final class DuckDbStage implements Serializable {

    private static final long serialVersionUID = 1L;

    private final List<String> inputColumns;
    private final String query;
    private final boolean referenceTables;
    private final StructType outputSchema;

    private DuckDbStage(List<String> inputColumns, String query, boolean referenceTables, StructType outputSchema) {
        this.inputColumns = List.copyOf(inputColumns);
        this.query = query;
        this.referenceTables = referenceTables;
        this.outputSchema = outputSchema;
    }

    /**
     * Binds {@code query} on the driver against an empty {@code input} table of the given columns (so
     * a mistake fails here, once, with DuckDB's message) and returns the stage with its output schema.
     *
     * @throws SQLException when the query does not bind
     */
    static DuckDbStage prepare(List<String> inputColumns, String query, boolean referenceTables) throws SQLException {
        try (Connection duck = openFor(inputColumns, referenceTables);
                Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("SELECT * FROM (" + query + ") LIMIT 0")) {
            ResultSetMetaData meta = rs.getMetaData();
            List<StructField> fields = new ArrayList<>();
            for (int c = 1; c <= meta.getColumnCount(); c++) {
                fields.add(DataTypes.createStructField(
                        meta.getColumnLabel(c), sparkType(meta.getColumnTypeName(c)), true));
            }
            return new DuckDbStage(inputColumns, query, referenceTables, DataTypes.createStructType(fields));
        }
    }

    StructType outputSchema() {
        return outputSchema;
    }

    /** The query applied to every partition of {@code input}, whose columns must be those given to prepare. */
    Dataset<Row> apply(Dataset<Row> input) {
        DuckDbStage stage = this;
        MapPartitionsFunction<Row, Row> function = rows -> stage.run(rows);
        return input.mapPartitions(function, Encoders.row(outputSchema));
    }

    private Iterator<Row> run(Iterator<Row> rows) throws SQLException {
        List<Row> out = new ArrayList<>();
        if (!rows.hasNext()) {
            return out.iterator();
        }
        try (Connection duck = openFor(inputColumns, referenceTables)) {
            DuckDBConnection connection = duck.unwrap(DuckDBConnection.class);
            try (DuckDBAppender appender = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "input")) {
                while (rows.hasNext()) {
                    Row row = rows.next();
                    appender.beginRow();
                    for (int c = 0; c < inputColumns.size(); c++) {
                        Object value = row.get(c);
                        if (value == null) {
                            appender.appendNull();
                        } else {
                            appender.append(value.toString());
                        }
                    }
                    appender.endRow();
                }
            }
            DuckDbConnections.lock(duck, Lockdown.sealed(Duration.ofHours(12)));
            try (Statement statement = duck.createStatement();
                    ResultSet rs = statement.executeQuery(query)) {
                StructField[] fields = outputSchema.fields();
                while (rs.next()) {
                    Object[] values = new Object[fields.length];
                    for (int c = 0; c < fields.length; c++) {
                        values[c] = read(rs, c + 1, fields[c].dataType());
                    }
                    out.add(RowFactory.create(values));
                }
            }
        }
        return out.iterator();
    }

    private static Connection openFor(List<String> columns, boolean referenceTables) throws SQLException {
        Path spill;
        try {
            spill = Files.createTempDirectory("datafloor-spark-duckdb");
            spill.toFile().deleteOnExit();
        } catch (java.io.IOException e) {
            throw new SQLException("Cannot create a scratch directory: " + e.getMessage(), e);
        }
        Connection duck = DuckDbConnections.open(spill, "1GB", 1);
        try {
            if (referenceTables) {
                ReferenceTables.install(duck);
            } else {
                Standardizers.install(duck);
            }
            StringBuilder create = new StringBuilder("CREATE TABLE input (");
            for (int c = 0; c < columns.size(); c++) {
                create.append(c == 0 ? "" : ", ")
                        .append(DuckDbConnections.identifier(columns.get(c)))
                        .append(" VARCHAR");
            }
            try (Statement statement = duck.createStatement()) {
                statement.execute(create.append(")").toString());
            }
            return duck;
        } catch (SQLException | RuntimeException e) {
            duck.close();
            throw e;
        }
    }

    /** DuckDB's type names to Spark's; anything not listed travels as its text. */
    static DataType sparkType(String duckType) {
        String type = duckType.toUpperCase(Locale.ROOT);
        return switch (type) {
            case "VARCHAR" -> DataTypes.StringType;
            case "DATE" -> DataTypes.DateType;
            case "BOOLEAN" -> DataTypes.BooleanType;
            case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER" -> DataTypes.LongType;
            case "DOUBLE", "FLOAT" -> DataTypes.DoubleType;
            default -> DataTypes.StringType;
        };
    }

    private static Object read(ResultSet rs, int column, DataType type) throws SQLException {
        Object value = rs.getObject(column);
        if (value == null) {
            return null;
        }
        if (type == DataTypes.LongType) {
            return rs.getLong(column);
        }
        if (type == DataTypes.DoubleType) {
            return rs.getDouble(column);
        }
        if (type == DataTypes.BooleanType) {
            return rs.getBoolean(column);
        }
        if (type == DataTypes.DateType) {
            return rs.getObject(column, LocalDate.class);
        }
        return rs.getString(column);
    }
}

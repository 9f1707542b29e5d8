package vn.datafloor.integration.lake;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.LocationProviders;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.inmemory.InMemoryInputFile;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.LocationProvider;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Each dataset of a lake on object storage as an Apache Iceberg table, so that Spark and Trino read the
 * lake (docs/object-storage.md). Every published version in clear becomes one snapshot that replaces the
 * table's rows with the version's Parquet files, where they already are: nothing is copied. The snapshot
 * carries the version number ({@value #VERSION_PROPERTY}), which is how recovery finds versions published
 * but not yet committed.
 *
 * <p>The layout is Iceberg's file-system ("hadoop") catalog: {@code iceberg/datafloor/<dataset>/metadata/
 * vN.metadata.json} and {@code version-hint.text}, under the lake's prefix. A commit writes the next
 * {@code vN.metadata.json} with a conditional PUT, so on object storage it is atomic, unlike the rename the
 * Hadoop catalog itself relies on; readers configured with that catalog find the newest version as usual.
 *
 * <p>DuckDB writes Parquet without Iceberg field ids, so each table carries a default name mapping.
 * Encrypted versions are not committed: no Iceberg reader can decrypt the lake's envelope encryption.
 */
final class IcebergTables {

    static final String VERSION_PROPERTY = "datafloor.version";
    static final String NAMESPACE = "datafloor";
    private static final String ROOT = "iceberg/" + NAMESPACE + "/";
    private static final String HINT = "version-hint.text";
    private static final Pattern METADATA_FILE = Pattern.compile("v(\\d+)\\.metadata\\.json");
    private static final int MAX_METADATA_BYTES = 64 * 1024 * 1024;
    private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d+),\\s*(\\d+)\\)");

    private final ObjectStore store;
    private final StoreFileIO io;

    IcebergTables(ObjectStore store) {
        this.store = store;
        this.io = new StoreFileIO(store);
    }

    /** The table's location, as Spark's Hadoop catalog names it: {@code <warehouse>/datafloor/<dataset>}. */
    String location(String dataset) {
        return store.uri(ROOT + dataset);
    }

    /** The dataset's table, if a version was committed to it. */
    Optional<Table> table(String dataset) {
        Operations ops = new Operations(dataset);
        return ops.current() == null ? Optional.empty() : Optional.of(new BaseTable(ops, NAMESPACE + "." + dataset));
    }

    /** The lake version the table's current snapshot holds; 0 when none. */
    int committedVersion(String dataset) {
        return table(dataset)
                .map(Table::currentSnapshot)
                .map(Snapshot::summary)
                .map(summary -> summary.get(VERSION_PROPERTY))
                .map(Integer::parseInt)
                .orElse(0);
    }

    /**
     * Makes {@code version} the table's current snapshot, unless the table already holds it or a later one.
     * Its Parquet files must be in the cache ({@link ObjectLake#fetch}); they are read for their row counts.
     */
    void commit(DatasetVersion version, ObjectLake.StoredVersion stored) {
        if (version.encrypted() || committedVersion(version.dataset()) >= version.version()) {
            return;
        }
        Schema schema = schema(version.manifest().columns());
        Operations ops = new Operations(version.dataset());
        if (ops.current() == null) {
            TableMetadata created = TableMetadata.newTableMetadata(
                    schema,
                    PartitionSpec.unpartitioned(),
                    SortOrder.unsorted(),
                    location(version.dataset()),
                    Map.of(
                            TableProperties.DEFAULT_NAME_MAPPING,
                            NameMappingParser.toJson(MappingUtil.create(schema)),
                            TableProperties.METADATA_COMPRESSION,
                            "none",
                            TableProperties.FORMAT_VERSION,
                            "2"));
            ops.commit(null, created);
        }
        Table table = new BaseTable(ops, NAMESPACE + "." + version.dataset());
        if (!table.schema().sameSchema(schema)) {
            table.updateSchema().unionByNameWith(schema).commit();
            table.updateProperties()
                    .set(
                            TableProperties.DEFAULT_NAME_MAPPING,
                            NameMappingParser.toJson(MappingUtil.create(table.schema())))
                    .commit();
        }
        OverwriteFiles overwrite = table.newOverwrite().overwriteByRowFilter(Expressions.alwaysTrue());
        for (String name : version.manifest().files()) {
            Path file = version.directory().resolve(name);
            overwrite.addFile(dataFile(
                    store.uri(version.dataset() + "/v" + version.version() + "/" + name),
                    stored.objects().get(name).size(),
                    rowCount(file)));
        }
        overwrite.set(VERSION_PROPERTY, Integer.toString(version.version())).commit();
    }

    private static DataFile dataFile(String location, long size, long rows) {
        return DataFiles.builder(PartitionSpec.unpartitioned())
                .withPath(location)
                .withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(size)
                .withRecordCount(rows)
                .build();
    }

    /** The Parquet footer's row count, read by DuckDB on a connection of its own. */
    private static long rowCount(Path file) {
        try (Connection connection = DuckDbConnections.open(file.getParent(), "256MB", 1);
                PreparedStatement statement =
                        connection.prepareStatement("SELECT sum(num_rows) FROM parquet_file_metadata(?)")) {
            statement.setString(1, file.toString());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the row count of a lake file", e);
        }
    }

    /**
     * The Iceberg schema of a manifest's columns. A column of a DuckDB type Iceberg has no counterpart for
     * (unsigned, HUGEINT, nested, ...) is left out of the table rather than given a type readers would
     * misread; docs/object-storage.md says so.
     */
    static Schema schema(List<LakeManifest.Column> columns) {
        List<Types.NestedField> fields = new ArrayList<>();
        int id = 1;
        for (LakeManifest.Column column : columns) {
            Type type = type(column.type());
            if (type != null) {
                fields.add(Types.NestedField.optional(id++, column.name(), type));
            }
        }
        return new Schema(fields);
    }

    private static Type type(String duckDbType) {
        String t = duckDbType.trim().toUpperCase(java.util.Locale.ROOT);
        Matcher decimal = DECIMAL.matcher(t);
        if (decimal.matches()) {
            return Types.DecimalType.of(Integer.parseInt(decimal.group(1)), Integer.parseInt(decimal.group(2)));
        }
        return switch (t) {
            case "VARCHAR", "TEXT", "STRING" -> Types.StringType.get();
            case "BIGINT", "INT8", "LONG" -> Types.LongType.get();
            case "INTEGER", "INT", "INT4", "SMALLINT", "TINYINT" -> Types.IntegerType.get();
            case "DOUBLE", "FLOAT8" -> Types.DoubleType.get();
            case "FLOAT", "REAL", "FLOAT4" -> Types.FloatType.get();
            case "BOOLEAN", "BOOL" -> Types.BooleanType.get();
            case "DATE" -> Types.DateType.get();
            case "TIMESTAMP", "DATETIME" -> Types.TimestampType.withoutZone();
            case "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ" -> Types.TimestampType.withZone();
            case "BLOB", "BYTEA" -> Types.BinaryType.get();
            default -> null;
        };
    }

    /** The table's metadata files on the store, committed by a conditional PUT of the next version's file. */
    private final class Operations implements TableOperations {

        private final String dataset;
        private final String metadataPrefix;
        private TableMetadata current;
        private int currentVersion;

        Operations(String dataset) {
            this.dataset = dataset;
            this.metadataPrefix = ROOT + dataset + "/metadata/";
            refresh();
        }

        @Override
        public TableMetadata current() {
            return current;
        }

        @Override
        public TableMetadata refresh() {
            int newest = 0;
            for (ObjectStore.StoredObject object : store.list(metadataPrefix + "v")) {
                Matcher m = METADATA_FILE.matcher(object.key().substring(metadataPrefix.length()));
                if (m.matches()) {
                    newest = Math.max(newest, Integer.parseInt(m.group(1)));
                }
            }
            if (newest > 0 && newest != currentVersion) {
                current = TableMetadataParser.read(io, store.uri(metadataPrefix + "v" + newest + ".metadata.json"));
                currentVersion = newest;
            }
            return current;
        }

        @Override
        public void commit(TableMetadata base, TableMetadata metadata) {
            if (base != current) {
                throw new CommitFailedException("The Iceberg table of %s changed since it was read", dataset);
            }
            int next = currentVersion + 1;
            String key = metadataPrefix + "v" + next + ".metadata.json";
            String json = TableMetadataParser.toJson(metadata);
            if (!store.create(key, json.getBytes(StandardCharsets.UTF_8))) {
                throw new CommitFailedException(
                        "Another writer committed version %d of the Iceberg table of %s", next, dataset);
            }
            // Only a hint for readers (Spark's Hadoop catalog reads it first, then looks for later files).
            store.createOrReplace(metadataPrefix + HINT, Integer.toString(next).getBytes(StandardCharsets.UTF_8));
            current = TableMetadataParser.fromJson(store.uri(key), json);
            currentVersion = next;
        }

        @Override
        public FileIO io() {
            return io;
        }

        @Override
        public String metadataFileLocation(String fileName) {
            return store.uri(metadataPrefix + fileName);
        }

        @Override
        public LocationProvider locationProvider() {
            return LocationProviders.locationsFor(current.location(), current.properties());
        }
    }

    /** Iceberg's file access on the store: metadata and manifests read whole (they are small), written on close. */
    static final class StoreFileIO implements FileIO {

        private static final long serialVersionUID = 1L;
        private final transient ObjectStore store;

        StoreFileIO(ObjectStore store) {
            this.store = store;
        }

        @Override
        public InputFile newInputFile(String location) {
            String key = store.key(location);
            return new InputFile() {
                private byte[] bytes;

                private byte[] bytes() {
                    if (bytes == null) {
                        bytes = store.read(key, MAX_METADATA_BYTES)
                                .orElseThrow(() -> new NotFoundException("No such Iceberg file: %s", location));
                    }
                    return bytes;
                }

                @Override
                public long getLength() {
                    return bytes().length;
                }

                @Override
                public org.apache.iceberg.io.SeekableInputStream newStream() {
                    return new InMemoryInputFile(location, bytes()).newStream();
                }

                @Override
                public String location() {
                    return location;
                }

                @Override
                public boolean exists() {
                    return store.read(key, MAX_METADATA_BYTES).isPresent();
                }
            };
        }

        @Override
        public OutputFile newOutputFile(String location) {
            String key = store.key(location);
            return new OutputFile() {
                @Override
                public PositionOutputStream create() {
                    return stream(true);
                }

                @Override
                public PositionOutputStream createOrOverwrite() {
                    return stream(false);
                }

                private PositionOutputStream stream(boolean mustBeNew) {
                    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                    return new PositionOutputStream() {
                        private boolean closed;

                        @Override
                        public long getPos() {
                            return buffer.size();
                        }

                        @Override
                        public void write(int b) {
                            buffer.write(b);
                        }

                        @Override
                        public void write(byte[] b, int off, int len) {
                            buffer.write(b, off, len);
                        }

                        @Override
                        public void close() {
                            if (closed) {
                                return;
                            }
                            closed = true;
                            if (mustBeNew) {
                                if (!store.create(key, buffer.toByteArray())) {
                                    throw new org.apache.iceberg.exceptions.AlreadyExistsException(
                                            "Iceberg file exists: %s", location);
                                }
                            } else {
                                store.createOrReplace(key, buffer.toByteArray());
                            }
                        }
                    };
                }

                @Override
                public String location() {
                    return location;
                }

                @Override
                public InputFile toInputFile() {
                    return newInputFile(location);
                }
            };
        }

        @Override
        public void deleteFile(String location) {
            store.delete(store.key(location));
        }
    }
}

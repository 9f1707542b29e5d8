package vn.datafloor.server.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Runs a benchmark from {@code bench/} in its own JVM (heap capped at 2 GB, as the targets assume).
 * Each prints the project's figure, a baseline from the same run and the ratio; the last line is
 * {@code BENCH <name> project=… baseline=… ratio=… target=… PASS|FAIL}.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Run a benchmark: ledger, pipeline, linkage-accuracy, linkage-speed, linkage-scale, register, "
                    + "catalog-search, ckan-search, audit-outbox, exchange, query, access, spark.",
            "Example: ./datafloor bench pipeline --people 1000000",
            "Example: ./datafloor bench linkage-scale --records 10000000",
            "Example: ./datafloor bench register --records 10000000 --update 100000",
            "Example: ./datafloor bench catalog-search --datasets 1000000",
            "Example: ./datafloor bench ckan-search --datasets 100000",
            "Example: ./datafloor bench exchange --orders 20000 --buyers 64",
            "Example: ./datafloor bench query --rows 10000000",
            "Example: ./datafloor bench access --requests 20000",
            "Example: ./datafloor bench spark --records 5000000",
            "Example: ./datafloor bench spark --pipeline-rows 1000000"
        },
        footerHeading = "%nBenchmarks and their options (docs/testing.md says what each measures):%n",
        footer = {
            "ledger             --threads 64  --seconds 5  --entry-bytes 200",
            "                   --proof-leaves 10000000  --proofs 100000",
            "                   --batch-size 1000  --batch-threads 4",
            "pipeline           --people 5000000",
            "linkage-accuracy   --people 50000  --seed 42",
            "linkage-speed      --records 1000000  --duke-records 100000",
            "                   --duke-auto-lookup (no value)",
            "linkage-scale      --records 10000000",
            "register           --records 10000000  --update 100000",
            "catalog-search     --datasets 100000  --queries 3000  --warmup 1500",
            "                   --baseline-queries 200",
            "ckan-search        --datasets 100000  --requests 4000  --clients 4",
            "                   --warmup 2000",
            "audit-outbox       --entries 4000  --threads 4",
            "exchange           --orders 20000  --buyers 64  --offers 16  --providers 1",
            "                   --bids 1000  --warmup 10000",
            "query              --rows 10000000  --threads 2",
            "access             --requests 20000  --connections 64  --consents 300",
            "                   --people 20000",
            "spark              --records 1000000  --spark-master local[*]",
            "                   --pipeline-rows N (instead: the pipeline over N people)",
            "The numbers are the defaults. register, audit-outbox, ckan-search, exchange",
            "and access start the whole server; all but audit-outbox pass on --spring.*",
            "and --datafloor.* settings (access and ckan-search also --server.*), e.g.",
            "--spring.profiles.active=postgres."
        })
class BenchCommand implements Callable<Integer> {

    @Parameters(
            index = "0",
            description = "Benchmark name: ledger, pipeline, linkage-accuracy, linkage-speed, linkage-scale, register, "
                    + "catalog-search, ckan-search, audit-outbox, exchange, query, access, spark.")
    String name;

    /** Everything after the name (e.g. --people 1000000) belongs to the benchmark, in order. */
    @picocli.CommandLine.Unmatched
    List<String> benchmarkOptions = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (name.equals("query")) {
            // The access engine's rewrite against raw DuckDB, on a synthetic Parquet file.
            return vn.datafloor.server.access.QueryBench.run(benchmarkOptions);
        }
        if (name.equals("access")) {
            // The whole server with the demo: the REST delivery channel over HTTP against a bare endpoint.
            return vn.datafloor.server.access.AccessBench.run(benchmarkOptions);
        }
        if (name.equals("register")) {
            // The whole server: three agencies' pipelines into the lake, then the register built and updated.
            return vn.datafloor.server.linkage.RegisterBench.run(benchmarkOptions);
        }
        if (name.equals("ckan-search")) {
            // The whole server: package_search over HTTP against a catalog of --datasets entries.
            return vn.datafloor.server.catalog.CkanSearchBench.run(benchmarkOptions);
        }
        if (name.equals("exchange")) {
            // The whole server too: contracts, journal, invoices and ledger on the configured database.
            return vn.datafloor.server.exchange.ExchangeBench.run(benchmarkOptions);
        }
        if (name.equals("audit-outbox")) {
            // Needs the whole server (control database, ledger, outbox), so it runs here rather than in bench/.
            return vn.datafloor.server.audit.AuditOutboxBench.run(benchmarkOptions);
        }
        if (name.equals("spark")) {
            // DuckDB against Spark on the same linkage, in the spark module's own JVM (docs/spark.md).
            if (!SparkEngine.built()) {
                System.err.println(String.format(SparkEngine.MISSING, SparkEngine.home()));
                return 2;
            }
            List<String> arguments = new ArrayList<>(List.of("bench"));
            arguments.addAll(benchmarkOptions);
            return SparkEngine.run(arguments);
        }
        Path home = Path.of(System.getenv().getOrDefault("DATAFLOOR_HOME", "."))
                .toAbsolutePath()
                .normalize();
        Path classes = home.resolve("bench/target/classes");
        // catalog-search runs on Lucene 9 (target/lib-catalog); the others carry Duke's Lucene 4 in
        // target/lib. The two must never share a class path, so each gets only its own directory.
        Path lib = home.resolve(name.equals("catalog-search") ? "bench/target/lib-catalog" : "bench/target/lib");
        if (!Files.isDirectory(classes) || !Files.isDirectory(lib)) {
            System.err.println("Benchmarks are not built under " + home + ". Run ./datafloor bench " + name
                    + " from the repository root (it builds them), or ./mvnw -q package -DskipTests.");
            return 2;
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xmx2g",
                "-cp",
                classes + File.pathSeparator + lib + File.separator + "*",
                "vn.datafloor.bench.BenchMain",
                name));
        command.addAll(benchmarkOptions);
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}

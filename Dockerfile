# Datafloor's server image. Build from the repository root:
#   docker build -t datafloor/server:0.1.0 .
# See docs/deployment.md. DeploymentFilesTest lints this file and deploy/kubernetes/ in ./mvnw verify;
# no container engine exists on the build machines, so the image itself is built by the deployer.

# --- build: the Maven wrapper with the JDK; tests ran in CI before an image is built -----------------
FROM eclipse-temurin:21.0.9_10-jdk-noble AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY ledger/ ledger/
COPY policy/ policy/
COPY synth/ synth/
COPY integration/ integration/
COPY linkage/ linkage/
COPY catalog/ catalog/
# The Spark engine (docs/spark.md) is a module of the build; the image runs the server only.
COPY spark/ spark/
COPY server/ server/
COPY bench/ bench/
RUN ./mvnw -B -q -pl server -am package -DskipTests

# --- run: a JRE, an unprivileged account, the data directory as a volume ------------------------------
FROM eclipse-temurin:21.0.9_10-jre-noble
# The account owns only the data directory; the jar and the JRE stay read-only to it.
RUN groupadd --system --gid 10001 datafloor \
 && useradd --system --uid 10001 --gid datafloor --home-dir /var/lib/datafloor --shell /usr/sbin/nologin datafloor \
 && mkdir -p /var/lib/datafloor \
 && chown datafloor:datafloor /var/lib/datafloor \
 && chmod 0700 /var/lib/datafloor
COPY --from=build /src/server/target/datafloor-server.jar /opt/datafloor/datafloor-server.jar
USER 10001:10001
WORKDIR /var/lib/datafloor
VOLUME ["/var/lib/datafloor"]
EXPOSE 8080
# On Java 21 requests run on virtual threads. Heap from the container's memory limit, not the host's.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/opt/datafloor/datafloor-server.jar", "serve", "--data", "/var/lib/datafloor"]

package vn.datafloor.integration.lake;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@link ObjectStore} on an S3-compatible service through the AWS SDK 2.x, over the JDK's own HTTP client
 * ({@code url-connection-client}): the lake has one writer and reads through a local cache, so a pooled
 * asynchronous client would add a second HTTP stack and nothing the lake uses.
 *
 * <p>The SDK's default integrity checksums (CRC trailers in aws-chunked uploads, since 2.30) are sent only
 * where an operation requires them: several S3-compatible servers do not accept them, and the lake checks
 * every file it fetches against the SHA-256 its version's manifest records, which covers the transfer too.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {

    /**
     * Where the lake's bucket is. {@code endpoint} null means AWS itself (the region's endpoint);
     * {@code accessKeyId} null means the SDK's default credential chain (environment, profile, instance
     * role). {@link #toString} never shows the secret.
     */
    public record Settings(
            URI endpoint,
            String bucket,
            String region,
            boolean pathStyle,
            String prefix,
            String accessKeyId,
            String secretAccessKey) {

        public Settings {
            if (bucket == null || bucket.isBlank()) {
                throw new IllegalArgumentException("The lake's S3 bucket is not set (datafloor.lake.s3.bucket)");
            }
            region = region == null || region.isBlank() ? "us-east-1" : region;
            prefix = prefix == null ? "" : prefix.replaceAll("^/+", "");
            if (!prefix.isEmpty() && !prefix.endsWith("/")) {
                prefix = prefix + "/";
            }
            if ((accessKeyId == null) != (secretAccessKey == null)) {
                throw new IllegalArgumentException("Set both the lake's S3 access key id and secret, or neither");
            }
        }

        @Override
        public String toString() {
            return "s3://" + bucket + "/" + prefix + (endpoint == null ? "" : " at " + endpoint) + " (" + region + ")";
        }
    }

    private final Settings settings;
    private final S3Client s3;

    public S3ObjectStore(Settings settings) {
        this.settings = settings;
        AwsCredentialsProvider credentials = settings.accessKeyId() == null
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()));
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofMinutes(2)))
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                .credentialsProvider(credentials)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        this.s3 = builder.build();
    }

    /** Creates the bucket if it does not exist (a fresh test server, or an operator's first start). */
    public void createBucketIfMissing() {
        try {
            s3.headBucket(b -> b.bucket(settings.bucket()));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw failure("checking the bucket", e);
            }
            try {
                s3.createBucket(b -> b.bucket(settings.bucket()));
            } catch (SdkException created) {
                throw failure("creating the bucket", created);
            }
        } catch (SdkException e) {
            throw failure("checking the bucket", e);
        }
    }

    @Override
    public void put(String key, Path file) {
        try {
            s3.putObject(b -> b.bucket(settings.bucket()).key(full(key)), RequestBody.fromFile(file));
        } catch (SdkException e) {
            throw failure("uploading " + key, e);
        }
    }

    @Override
    public boolean create(String key, byte[] content) {
        try {
            s3.putObject(
                    b -> b.bucket(settings.bucket()).key(full(key)).ifNoneMatch("*"), RequestBody.fromBytes(content));
            return true;
        } catch (S3Exception e) {
            // 412: the key exists; 409: another conditional write to it is in flight (AWS asks to retry, and a
            // retry would find the winner's object).
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return false;
            }
            throw failure("creating " + key, e);
        } catch (SdkException e) {
            throw failure("creating " + key, e);
        }
    }

    @Override
    public void createOrReplace(String key, byte[] content) {
        try {
            s3.putObject(b -> b.bucket(settings.bucket()).key(full(key)), RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw failure("writing " + key, e);
        }
    }

    @Override
    public String uri(String key) {
        return "s3://" + settings.bucket() + "/" + full(key);
    }

    @Override
    public String key(String uri) {
        // Spark's S3A file system names the same objects s3a://; Iceberg's S3FileIO accepts all three schemes.
        for (String scheme : List.of("s3://", "s3a://", "s3n://")) {
            String root = scheme + settings.bucket() + "/" + settings.prefix();
            if (uri.startsWith(root)) {
                return uri.substring(root.length());
            }
        }
        throw new LakeStorageException("The address " + uri + " is not in " + describe());
    }

    @Override
    public Optional<byte[]> read(String key, int maxBytes) {
        try (ResponseInputStream<GetObjectResponse> in = open(key)) {
            Long length = in.response().contentLength();
            if (length != null && length > maxBytes) {
                in.abort();
                throw new LakeStorageException("The object " + key + " is larger than the lake reads (" + maxBytes
                        + " bytes): it is not one the lake wrote");
            }
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new LakeStorageException("The object " + key + " is larger than the lake reads");
            }
            return Optional.of(bytes);
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failure("reading " + key, e);
        } catch (IOException e) {
            throw new UncheckedIOException("Reading " + key + " from " + describe() + " failed", e);
        }
    }

    @Override
    public long download(String key, Path target) {
        try (InputStream in = open(key)) {
            return Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchKeyException e) {
            throw new LakeStorageException("The object " + key + " is missing from " + describe(), e);
        } catch (SdkException e) {
            throw failure("downloading " + key, e);
        } catch (IOException e) {
            throw new UncheckedIOException("Downloading " + key + " from " + describe() + " failed", e);
        }
    }

    private ResponseInputStream<GetObjectResponse> open(String key) {
        return s3.getObject(b -> b.bucket(settings.bucket()).key(full(key)));
    }

    @Override
    public List<StoredObject> list(String prefix) {
        try {
            return s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(full(prefix))).contents().stream()
                    .map(o ->
                            new StoredObject(o.key().substring(settings.prefix().length()), o.size()))
                    .toList();
        } catch (SdkException e) {
            throw failure("listing " + prefix, e);
        }
    }

    @Override
    public List<String> folders(String prefix) {
        try {
            return s3
                    .listObjectsV2Paginator(b ->
                            b.bucket(settings.bucket()).prefix(full(prefix)).delimiter("/"))
                    .commonPrefixes()
                    .stream()
                    .map(p -> p.prefix().substring(settings.prefix().length()))
                    .toList();
        } catch (SdkException e) {
            throw failure("listing " + prefix, e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            s3.deleteObject(b -> b.bucket(settings.bucket()).key(full(key)));
        } catch (SdkException e) {
            throw failure("deleting " + key, e);
        }
    }

    @Override
    public String describe() {
        return settings.toString();
    }

    @Override
    public void close() {
        s3.close();
    }

    private String full(String key) {
        return settings.prefix() + key;
    }

    private LakeStorageException failure(String what, SdkException e) {
        // The SDK's messages name the operation, status and request id; credentials never appear in them.
        return new LakeStorageException("Object storage " + describe() + " failed " + what + ": " + e.getMessage(), e);
    }
}

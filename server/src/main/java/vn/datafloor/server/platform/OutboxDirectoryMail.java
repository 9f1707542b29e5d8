package vn.datafloor.server.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import org.springframework.stereotype.Component;

/**
 * The default {@link OutboundMail}: each message becomes one RFC 5322 file ({@code .eml}, UTF-8) in
 * {@code data/outbox}, readable by the platform's own user only since it may carry a one-time link. Nothing
 * leaves the machine, so every {@link Delivery} says "not delivered" and the page that started it shows the
 * link for the operator to hand over; any mail client opens the file, and a relay can pick the directory up.
 */
@Component
public class OutboxDirectoryMail implements OutboundMail {

    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path outbox;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public OutboxDirectoryMail(DatafloorProperties properties, Clock clock) {
        this.outbox = properties.dataDir().resolve("outbox");
        this.clock = clock;
    }

    /** Where the messages are written. */
    public Path directory() {
        return outbox;
    }

    @Override
    public Delivery send(Message message) {
        Instant now = clock.instant();
        byte[] suffix = new byte[4];
        random.nextBytes(suffix);
        String name = FILE_TIME.format(now) + "-" + HexFormat.of().formatHex(suffix) + ".eml";
        try {
            Files.createDirectories(outbox);
            Path temporary = Files.createTempFile(outbox, ".writing-", ".tmp");
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            }
            Files.writeString(temporary, render(message, now), StandardCharsets.UTF_8);
            Path target = outbox.resolve(name);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write to the mail outbox " + outbox, e);
        }
        return new Delivery(false, "outbox/" + name);
    }

    /** The message as a mail file: headers (the subject MIME-encoded, since it is Vietnamese), a blank line, the body. */
    static String render(Message message, Instant at) {
        String subject = "=?UTF-8?B?"
                + Base64.getEncoder().encodeToString(message.subject().getBytes(StandardCharsets.UTF_8)) + "?=";
        return "To: " + message.to() + "\r\n"
                + "Subject: " + subject + "\r\n"
                + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atOffset(ZoneOffset.UTC)) + "\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n"
                + "\r\n"
                + message.body().replace("\r\n", "\n").replace("\n", "\r\n")
                + "\r\n";
    }
}

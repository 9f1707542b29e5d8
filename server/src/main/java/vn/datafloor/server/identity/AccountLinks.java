package vn.datafloor.server.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Role;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.DatafloorProperties;
import vn.datafloor.server.platform.OutboundMail;
import vn.datafloor.server.platform.ProblemException;

/**
 * One-time links that let a person set their password: an invitation to a new account, or a password
 * reset an administrator starts. The token is 256 random bits; only its SHA-256 is stored, so the table
 * opens no account. A link works once, until it expires ({@link #INVITATION_LIFETIME},
 * {@link #RESET_LIFETIME}), and only while it is the account's newest. The link goes out through the
 * {@link OutboundMail} port and back to the administrator's page, for the case where no mail server is
 * configured. Every step is on the ledger; the token never is, nor in any log or error.
 */
@Service
public class AccountLinks {

    public static final Duration INVITATION_LIFETIME = Duration.ofHours(72);
    public static final Duration RESET_LIFETIME = Duration.ofHours(1);

    /** The path of the page a link opens; the token is its only parameter. */
    public static final String PAGE = "/account-link";

    /** What a presented token looks like: 32 bytes in unpadded base64url. Anything else is refused unread. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");

    public enum Purpose {
        INVITATION,
        PASSWORD_RESET
    }

    /** Why a link does not work (shown to its holder: only they know the token). */
    public enum Refusal {
        UNKNOWN,
        EXPIRED,
        USED,
        REPLACED
    }

    /**
     * A link just issued. {@code url} holds the token: it is shown once, to the administrator who asked,
     * and sent in the message; it is never stored.
     */
    public record Issued(
            long linkId,
            UserAccount user,
            Purpose purpose,
            String url,
            Instant expiresAt,
            OutboundMail.Delivery delivery) {}

    /** What the link page shows about a working link. */
    public record Open(long linkId, Purpose purpose, String username, String displayName, Instant expiresAt) {}

    /** A token's state: the open link, or why it does not work. */
    public record Lookup(Optional<Open> open, Refusal refusal) {
        static Lookup ok(Open open) {
            return new Lookup(Optional.of(open), null);
        }

        static Lookup refused(Refusal refusal) {
            return new Lookup(Optional.empty(), refusal);
        }
    }

    private final JdbcClient jdbc;
    private final UserService users;
    private final IdentityStore store;
    private final AuditLog audit;
    private final OutboundMail mail;
    private final SecureRandom random;
    private final Clock clock;
    private final String publicUrl;

    AccountLinks(
            JdbcClient jdbc,
            UserService users,
            IdentityStore store,
            AuditLog audit,
            OutboundMail mail,
            SecureRandom random,
            Clock clock,
            DatafloorProperties properties) {
        this.jdbc = jdbc;
        this.users = users;
        this.store = store;
        this.audit = audit;
        this.mail = mail;
        this.random = random;
        this.clock = clock;
        String url =
                properties.publicUrl() == null ? "" : properties.publicUrl().strip();
        this.publicUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** A new account without a password in {@code orgId}, and an invitation link to set it (decided like creating a user). */
    @Transactional
    public Issued invite(Actor actor, long orgId, String username, String displayName, String email, Set<Role> roles) {
        UserAccount user = users.createInvited(actor, orgId, username, displayName, email, roles);
        return issue(actor, user, Purpose.INVITATION);
    }

    /** A password reset link for an account the actor may manage; older links of the account stop working. */
    @Transactional
    public Issued startReset(Actor actor, long userId) {
        UserAccount user = users.forManagement(actor, userId);
        return issue(actor, user, Purpose.PASSWORD_RESET);
    }

    /** The state of a presented token, without using it. */
    public Lookup lookup(String token) {
        Optional<LinkRow> row = row(token);
        if (row.isEmpty()) {
            return Lookup.refused(Refusal.UNKNOWN);
        }
        Refusal refusal = refusal(row.get(), clock.instant());
        if (refusal != null) {
            return Lookup.refused(refusal);
        }
        UserAccount user = store.user(row.get().userId()).orElseThrow();
        return Lookup.ok(new Open(
                row.get().id(),
                row.get().purpose(),
                user.username(),
                user.displayName(),
                row.get().expiresAt()));
    }

    /**
     * Sets the password through the link, once. The password policy is checked before the link is used,
     * so a refused password leaves the link working; then the link is claimed with one conditional update,
     * so two concurrent uses cannot both succeed. Returns the account's login name.
     *
     * @throws ProblemException {@code accountLink.*} when the link does not work, {@code password.*} when the
     *     password is refused; neither message carries the token or the password
     */
    @Transactional(noRollbackFor = ProblemException.class)
    public String redeem(String token, String password, String confirmation) {
        Instant now = clock.instant();
        Optional<LinkRow> row = row(token);
        Refusal refusal = row.isEmpty() ? Refusal.UNKNOWN : refusal(row.get(), now);
        if (refusal != null) {
            refuse(row.orElse(null), refusal);
        }
        LinkRow link = row.orElseThrow();
        UserAccount user = store.user(link.userId()).orElseThrow();
        if (password == null || !password.equals(confirmation)) {
            throw ProblemException.badRequest("accountLink.passwordsDiffer", "The two passwords are not the same");
        }
        List<String> broken = users.passwordViolations(user.username(), password);
        if (!broken.isEmpty()) {
            throw ProblemException.badRequest(
                    broken.get(0), "Password rejected: " + String.join(", ", broken), PasswordPolicy.MIN_LENGTH);
        }
        int claimed = jdbc.sql("update account_link set used_at = ? where id = ? and used_at is null "
                        + "and invalidated_at is null and expires_at > ?")
                .params(Timestamp.from(now), link.id(), Timestamp.from(now))
                .update();
        if (claimed != 1) {
            refuse(link, Refusal.USED); // another request used it between the check and now
        }
        users.setPasswordFromLink(user, password);
        audit.record(new AuditEvent(
                EventType.ACCOUNT_LINK_USED,
                user.id(),
                user.username(),
                user.orgId(),
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                (link.purpose() == Purpose.INVITATION ? "invitation accepted" : "password reset") + " by user "
                        + user.id() + " (link " + link.id() + ")",
                Map.of(
                        "user",
                        Long.toString(user.id()),
                        "link",
                        Long.toString(link.id()),
                        "purpose",
                        link.purpose().name())));
        return user.username();
    }

    private Issued issue(Actor actor, UserAccount user, Purpose purpose) {
        Instant now = clock.instant();
        Instant expires = now.plus(purpose == Purpose.INVITATION ? INVITATION_LIFETIME : RESET_LIFETIME);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        int replaced = jdbc.sql("update account_link set invalidated_at = ? where user_id = ? and used_at is null "
                        + "and invalidated_at is null")
                .params(Timestamp.from(now), user.id())
                .update();
        org.springframework.jdbc.support.KeyHolder keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("insert into account_link(token_hash, purpose, user_id, created_by, created_at, expires_at) "
                        + "values (?,?,?,?,?,?)")
                .params(
                        hash(token),
                        purpose.name(),
                        user.id(),
                        actor.personId(),
                        Timestamp.from(now),
                        Timestamp.from(expires))
                .update(keys, "id");
        long linkId = keys.getKeyAs(Number.class).longValue();
        String url = publicUrl + PAGE + "?token=" + token;
        audit.record(new AuditEvent(
                purpose == Purpose.INVITATION ? EventType.USER_INVITED : EventType.PASSWORD_RESET_STARTED,
                actor.personId(),
                actor.personName(),
                user.orgId(),
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                (purpose == Purpose.INVITATION ? "invitation for user " : "password reset for user ") + user.id()
                        + " (link " + linkId + ", valid until " + expires + ")"
                        + (replaced > 0 ? "; " + replaced + " older link(s) replaced" : ""),
                Map.of(
                        "user", Long.toString(user.id()),
                        "link", Long.toString(linkId),
                        "expires", expires.toString(),
                        "replaced", Integer.toString(replaced))));
        OutboundMail.Delivery delivery = user.email() == null
                ? new OutboundMail.Delivery(false, null)
                : mail.send(message(user, purpose, url, expires));
        return new Issued(linkId, user, purpose, url, expires, delivery);
    }

    /** The message, in Vietnamese then English: the recipient's language is not known before they sign in. */
    private static OutboundMail.Message message(UserAccount user, Purpose purpose, String url, Instant expires) {
        boolean invitation = purpose == Purpose.INVITATION;
        String subject = invitation
                ? "Lời mời tham gia Datafloor / Invitation to Datafloor"
                : "Đặt lại mật khẩu Datafloor / Datafloor password reset";
        String body = "Xin chào " + user.displayName() + ",\n\n"
                + (invitation
                        ? "Bạn được mời dùng Datafloor với tên đăng nhập \"" + user.username() + "\". "
                                + "Mở liên kết dưới đây để đặt mật khẩu:\n"
                        : "Quản trị viên đã yêu cầu đặt lại mật khẩu cho tài khoản \"" + user.username() + "\". "
                                + "Mở liên kết dưới đây để đặt mật khẩu mới:\n")
                + "\n" + url + "\n\n"
                + "Liên kết chỉ dùng được một lần, đến " + expires + " (UTC).\n\n"
                + "---\n\n"
                + "Hello " + user.displayName() + ",\n\n"
                + (invitation
                        ? "You are invited to Datafloor as \"" + user.username()
                                + "\". Open the link above to set your password.\n"
                        : "An administrator started a password reset for \"" + user.username()
                                + "\". Open the link above to set a new password.\n")
                + "The link works once, until " + expires + " (UTC).\n";
        return new OutboundMail.Message(user.email(), subject, body);
    }

    private void refuse(LinkRow link, Refusal refusal) {
        Long userId = link == null ? null : link.userId();
        Long orgId = link == null
                ? null
                : store.user(link.userId()).map(UserAccount::orgId).orElse(null);
        audit.record(new AuditEvent(
                EventType.ACCOUNT_LINK_REFUSED,
                null,
                null,
                orgId,
                AuditEvent.Outcome.DENIED,
                ClientAddress.current(),
                "one-time link refused: " + refusal.name().toLowerCase(java.util.Locale.ROOT)
                        + (link == null ? "" : " (link " + link.id() + ")"),
                link == null
                        ? Map.of("reason", refusal.name())
                        : Map.of(
                                "reason",
                                refusal.name(),
                                "link",
                                Long.toString(link.id()),
                                "user",
                                Long.toString(userId))));
        throw ProblemException.badRequest(
                "accountLink." + refusal.name().toLowerCase(java.util.Locale.ROOT),
                "This link does not work (" + refusal.name().toLowerCase(java.util.Locale.ROOT) + ")");
    }

    private static Refusal refusal(LinkRow row, Instant now) {
        if (row.usedAt() != null) {
            return Refusal.USED;
        }
        if (row.invalidatedAt() != null) {
            return Refusal.REPLACED;
        }
        return row.expiresAt().isAfter(now) ? null : Refusal.EXPIRED;
    }

    private record LinkRow(
            long id, Purpose purpose, long userId, Instant expiresAt, Instant usedAt, Instant invalidatedAt) {}

    private Optional<LinkRow> row(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        return jdbc.sql("select id, purpose, user_id, expires_at, used_at, invalidated_at from account_link "
                        + "where token_hash = ?")
                .param(hash(token))
                .query((rs, n) -> new LinkRow(
                        rs.getLong(1),
                        Purpose.valueOf(rs.getString(2)),
                        rs.getLong(3),
                        rs.getTimestamp(4).toInstant(),
                        rs.getTimestamp(5) == null ? null : rs.getTimestamp(5).toInstant(),
                        rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant()))
                .optional();
    }

    static String hash(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

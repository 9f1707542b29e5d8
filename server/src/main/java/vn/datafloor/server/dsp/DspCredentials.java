package vn.datafloor.server.dsp;

import java.net.URI;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.platform.SecretBox;

/**
 * What each organisation presents to each remote connector: the {@code Authorization} value that dataspace
 * issued it, per remote origin, sealed with the platform's secret box (bound to the organisation and the
 * origin, so a sealed value cannot be moved to another row). Only the origins are ever shown back.
 */
@Component
class DspCredentials {

    static final int MAX_AUTHORIZATION = 4000;

    /** A credential as it is shown: where it is presented and since when, never its value. */
    record Listed(String remoteOrigin, Instant updatedAt) {}

    private final JdbcClient jdbc;
    private final SecretBox secrets;
    private final AuditLog audit;
    private final Clock clock;

    DspCredentials(JdbcClient jdbc, SecretBox secrets, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.secrets = secrets;
        this.audit = audit;
        this.clock = clock;
    }

    /** The origin (scheme, host and port) of a connector or endpoint address, lower case, as credentials key it. */
    static String origin(String address) {
        URI uri;
        try {
            uri = URI.create(address.trim());
        } catch (IllegalArgumentException e) {
            throw DspException.badRequest("The connector address is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw DspException.badRequest("The connector address must be an http(s) URL");
        }
        int port = uri.getPort();
        boolean defaultPort =
                port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    /** Sets (or replaces) what {@code orgId} presents at the connector's origin; the change is on the ledger. */
    @Transactional
    String set(Actor actor, long orgId, String connectorAddress, String authorization) {
        ProviderProtocol.checkAddress(connectorAddress);
        String origin = origin(connectorAddress);
        if (authorization == null
                || authorization.isBlank()
                || authorization.length() > MAX_AUTHORIZATION
                || authorization.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw DspException.badRequest(
                    "Give the Authorization header value the remote dataspace issued (one line, at most "
                            + MAX_AUTHORIZATION + " characters)");
        }
        String sealed = secrets.seal(authorization.trim(), context(orgId, origin));
        Timestamp now = Timestamp.from(clock.instant());
        int updated = jdbc.sql("update dsp_credential set authorization_sealed = ?, created_by = ?, updated_at = ? "
                        + "where org_id = ? and remote_origin = ?")
                .params(sealed, actor.userId(), now, orgId, origin)
                .update();
        if (updated == 0) {
            jdbc.sql("insert into dsp_credential(org_id, remote_origin, authorization_sealed, created_by, updated_at) "
                            + "values (?,?,?,?,?)")
                    .params(orgId, origin, sealed, actor.userId(), now)
                    .update();
        }
        audit.record(new AuditEvent(
                EventType.DSP_CREDENTIAL_SET,
                actor.userId(),
                actor.username(),
                orgId,
                AuditEvent.Outcome.SUCCESS,
                null,
                "DSP credential for " + origin + (updated == 0 ? " set" : " replaced"),
                Map.of("remoteOrigin", origin)));
        return origin;
    }

    /** The organisation's credential for the origin of {@code address}, opened; empty when it set none. */
    Optional<String> authorization(long orgId, String address) {
        String origin;
        try {
            origin = origin(address);
        } catch (DspException e) {
            return Optional.empty();
        }
        return jdbc.sql("select authorization_sealed from dsp_credential where org_id = ? and remote_origin = ?")
                .params(orgId, origin)
                .query(String.class)
                .optional()
                .map(box -> secrets.open(box, context(orgId, origin)));
    }

    List<Listed> of(long orgId) {
        return jdbc.sql("select remote_origin, updated_at from dsp_credential where org_id = ? order by remote_origin")
                .param(orgId)
                .query((rs, n) -> new Listed(
                        rs.getString("remote_origin"),
                        rs.getTimestamp("updated_at").toInstant()))
                .list();
    }

    private static String context(long orgId, String origin) {
        return "dsp-credential:" + orgId + ":" + origin;
    }
}

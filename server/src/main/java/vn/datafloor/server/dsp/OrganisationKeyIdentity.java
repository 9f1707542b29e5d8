package vn.datafloor.server.dsp;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import vn.datafloor.server.authz.Actor;

/**
 * The default identity scheme: a connector presents an organisation's API key ({@code Authorization: Bearer
 * dfk_…} with the {@code dsp:participate} scope, checked by the identity capability and the decision point
 * before any handler runs) and speaks for that organisation; its
 * participant id is {@code urn:datafloor:org:<id>}. Towards a remote connector, an organisation presents the
 * credential that dataspace issued it for that connector's origin ({@link DspCredentials}, set by the
 * organisation), or else the one its operator received ({@code datafloor.dsp.outbound-authorization}).
 */
@Component
class OrganisationKeyIdentity implements ParticipantIdentity {

    static final String PREFIX = "urn:datafloor:org:";

    private final String outboundAuthorization;
    private final DspCredentials credentials;

    OrganisationKeyIdentity(
            @Value("${datafloor.dsp.outbound-authorization:}") String outboundAuthorization,
            DspCredentials credentials) {
        this.outboundAuthorization = outboundAuthorization;
        this.credentials = credentials;
    }

    @Override
    public Optional<Participant> caller(Actor actor) {
        // A connector presents its organisation's API key; a signed-in member of the organisation speaks for it too.
        if (actor == null || actor.orgId() == null) {
            return Optional.empty();
        }
        return Optional.of(new Participant(actor.orgId(), participantId(actor.orgId()), actor));
    }

    @Override
    public String participantId(long orgId) {
        return PREFIX + orgId;
    }

    @Override
    public Map<String, String> credentials(long orgId, URI remote) {
        Optional<String> own = credentials.authorization(orgId, remote.toString());
        if (own.isPresent()) {
            return Map.of("Authorization", own.get());
        }
        return outboundAuthorization.isBlank() ? Map.of() : Map.of("Authorization", outboundAuthorization);
    }
}

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
 * participant id is {@code urn:datafloor:org:<id>}. Towards a remote connector, Datafloor presents the
 * credential its operator received from that dataspace ({@code datafloor.dsp.outbound-authorization}).
 */
@Component
class OrganisationKeyIdentity implements ParticipantIdentity {

    static final String PREFIX = "urn:datafloor:org:";

    private final String outboundAuthorization;

    OrganisationKeyIdentity(@Value("${datafloor.dsp.outbound-authorization:}") String outboundAuthorization) {
        this.outboundAuthorization = outboundAuthorization;
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
        return outboundAuthorization.isBlank() ? Map.of() : Map.of("Authorization", outboundAuthorization);
    }
}

package vn.datafloor.server.dsp;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import vn.datafloor.server.authz.Actor;

/**
 * Who takes part in the protocol: the port a deployment swaps for another identity scheme (the Decentralized
 * Claims Protocol, a federation's tokens). The default ({@link OrganisationKeyIdentity}) is Datafloor's own:
 * a connector speaks for an organisation of the platform with one of its API keys.
 */
public interface ParticipantIdentity {

    /** A participant: an organisation of Datafloor, its id as the protocol writes it, and who acts for it. */
    record Participant(long orgId, String participantId, Actor actor) {}

    /** The organisation a protocol request speaks for; empty when the caller is no participant. */
    Optional<Participant> caller(Actor actor);

    /** The participant id of an organisation of Datafloor, as catalogs, offers and agreements name it. */
    String participantId(long orgId);

    /** The headers that present an organisation of Datafloor to a remote connector. */
    Map<String, String> credentials(long orgId, URI remote);
}

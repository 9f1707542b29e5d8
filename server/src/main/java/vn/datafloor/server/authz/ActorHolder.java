package vn.datafloor.server.authz;

/** Implemented by every authenticated principal the platform creates, whatever the login method. */
public interface ActorHolder {
    Actor actor();
}

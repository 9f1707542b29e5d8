package vn.datafloor.server.authz;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the action a handler performs. A handler without it is refused: deny by default. Tenant
 * checks on the objects touched happen in the services, through the same {@link AccessPolicy}.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface Permit {
    Action value();
}

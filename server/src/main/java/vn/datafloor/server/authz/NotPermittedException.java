package vn.datafloor.server.authz;

/** Thrown when the decision point refuses; rendered as 401, 403 or 404 problem details. */
public class NotPermittedException extends RuntimeException {

    private final Decision decision;
    private final Action action;

    public NotPermittedException(Decision decision, Action action) {
        super(decision + " for " + action);
        this.decision = decision;
        this.action = action;
    }

    public Decision decision() {
        return decision;
    }

    public Action action() {
        return action;
    }
}

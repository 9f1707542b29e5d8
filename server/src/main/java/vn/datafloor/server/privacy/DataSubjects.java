package vn.datafloor.server.privacy;

import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Role;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.identity.UserService;
import vn.datafloor.server.platform.ProblemException;

/**
 * Which data subject a signed-in citizen is: the 12-digit identity number their account carries. A
 * citizen signs in with that number (see {@code UserService.bootstrapCitizen}), so it is their login
 * name; the account's kind is checked, never assumed from the role alone.
 */
@Component
class DataSubjects {

    static final Pattern CITIZEN_ID = Pattern.compile("\\d{12}");

    private final UserService users;

    DataSubjects(UserService users) {
        this.users = users;
    }

    /**
     * The subject the actor is.
     *
     * @throws ProblemException 403 when the actor is no citizen's account
     */
    String subjectOf(Actor actor) {
        if (actor == null || !actor.has(Role.CITIZEN) || actor.viaApiKey()) {
            throw notACitizen();
        }
        UserAccount account = users.findByUsername(actor.username()).orElseThrow(DataSubjects::notACitizen);
        if (account.kind() != UserAccount.AccountKind.CITIZEN
                || account.id() != actor.userId()
                || !CITIZEN_ID.matcher(account.username()).matches()) {
            throw notACitizen();
        }
        return account.username();
    }

    static boolean valid(String subjectId) {
        return subjectId != null && CITIZEN_ID.matcher(subjectId).matches();
    }

    private static ProblemException notACitizen() {
        return new ProblemException(
                org.springframework.http.HttpStatus.FORBIDDEN,
                "privacy.notCitizen",
                "Only a citizen's own account acts as a data subject");
    }
}

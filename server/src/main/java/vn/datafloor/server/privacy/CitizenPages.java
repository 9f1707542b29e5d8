package vn.datafloor.server.privacy;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import vn.datafloor.server.audit.LedgerService;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;

/**
 * The citizen's home: who saw my data (each access with its proof), my data held by each agency, and
 * links to consents and requests. Written for a phone first, in plain words.
 */
@Controller
class CitizenPages {

    static final int PAGE_SIZE = 20;

    private final CitizenHome home;
    private final LedgerService ledger;

    CitizenPages(CitizenHome home, LedgerService ledger) {
        this.home = home;
        this.ledger = ledger;
    }

    @GetMapping("/me")
    @Permit(Action.VIEW_OWN_ACCESSES)
    String home(Actor actor, Model model) {
        model.addAttribute("recent", home.accesses(actor, 0, 5));
        return "citizen/home";
    }

    @GetMapping("/me/accesses")
    @Permit(Action.VIEW_OWN_ACCESSES)
    String accesses(Actor actor, @RequestParam(defaultValue = "0") int page, Model model) {
        model.addAttribute("accesses", home.accesses(actor, page, PAGE_SIZE));
        return "citizen/accesses";
    }

    @GetMapping("/me/accesses/{id}")
    @Permit(Action.VIEW_OWN_ACCESSES)
    String access(Actor actor, @PathVariable long id, Model model) {
        model.addAttribute("a", home.access(actor, id));
        AccessProof proof = home.proof(actor, id);
        model.addAttribute("proof", proof);
        // The page checks the proof as an outsider would, with the ledger's key; the download lets anyone else.
        model.addAttribute("check", proof.verify(ledger.verifierKey()));
        model.addAttribute("verifierKey", ledger.verifierKey());
        return "citizen/access";
    }

    @GetMapping("/me/data")
    @Permit(Action.VIEW_OWN_DATA)
    String data(Actor actor, Model model) {
        model.addAttribute("records", home.data(actor));
        return "citizen/data";
    }
}

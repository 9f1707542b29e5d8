package vn.datafloor.server.catalog;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ProblemException;

/**
 * Pages of harvested entries, public like the portal: each says which portal or exchange it comes
 * from and links back; an offer of another exchange shows its provider, a summary of its terms, and
 * the DSP endpoint and offer id to negotiate with. Nothing here is downloaded from Datafloor.
 */
@Controller
@Permit(Action.VIEW_PUBLIC)
class RemoteEntryPages {

    static final int LIST_LIMIT = 500;

    private final RemoteCatalog remote;

    RemoteEntryPages(RemoteCatalog remote) {
        this.remote = remote;
    }

    @GetMapping("/catalog/remote/{id}")
    String entry(@PathVariable long id, Model model) {
        model.addAttribute(
                "e", remote.find(id).orElseThrow(() -> ProblemException.notFound("No harvested entry " + id)));
        return "catalog/remote";
    }

    /** Other exchanges' products (offers over DSP), or other portals' datasets with {@code kind=DATASET}. */
    @GetMapping("/catalog/remote")
    String list(@RequestParam(defaultValue = "OFFER") String kind, Model model) {
        String k = "DATASET".equalsIgnoreCase(kind) ? "DATASET" : "OFFER";
        model.addAttribute("kind", k);
        model.addAttribute("entries", remote.list(k, LIST_LIMIT));
        return "catalog/remote-list";
    }
}

package vn.datafloor.server.harvest;

import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.catalog.CatalogEntry;

/** The operator's harvest sources over HTTP: register, change, remove, harvest now, runs and entries. */
@RestController
@Permit(Action.MANAGE_HARVEST)
class HarvestApiController {

    private final HarvestService harvests;

    HarvestApiController(HarvestService harvests) {
        this.harvests = harvests;
    }

    @GetMapping("/api/harvest/sources")
    List<HarvestSource> sources(Actor actor) {
        return harvests.sources(actor);
    }

    @PostMapping("/api/harvest/sources")
    @ResponseStatus(HttpStatus.CREATED)
    HarvestSource register(Actor actor, @RequestBody HarvestService.SourceForm body) {
        return harvests.register(actor, body);
    }

    @GetMapping("/api/harvest/sources/{id}")
    HarvestSource source(Actor actor, @PathVariable long id) {
        return harvests.source(actor, id);
    }

    @PutMapping("/api/harvest/sources/{id}")
    HarvestSource update(Actor actor, @PathVariable long id, @RequestBody HarvestService.SourceForm body) {
        return harvests.update(actor, id, body);
    }

    @DeleteMapping("/api/harvest/sources/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void remove(Actor actor, @PathVariable long id) {
        harvests.remove(actor, id);
    }

    /** Harvest now: runs at once and answers with the run's summary. */
    @PostMapping("/api/harvest/sources/{id}/runs")
    HarvestRun harvestNow(Actor actor, @PathVariable long id) {
        return harvests.harvestNow(actor, id);
    }

    @GetMapping("/api/harvest/sources/{id}/runs")
    List<HarvestRun> runs(Actor actor, @PathVariable long id, @RequestParam(defaultValue = "20") int limit) {
        return harvests.runs(actor, id, limit);
    }

    @GetMapping("/api/harvest/sources/{id}/entries")
    List<CatalogEntry> entries(Actor actor, @PathVariable long id) {
        return harvests.entries(actor, id);
    }
}

package vn.datafloor.server.exchange;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.platform.ProblemResponses;

/**
 * The auction room: open and closed auctions for everyone, one auction with its reserve, deadline
 * and what may be shown of its bids; the buyer's bid form and the provider's form to open one.
 */
@Controller
class AuctionPages {

    /** A purpose a bidder may declare, with its label's message key (property keys cannot hold ':'). */
    record Purpose(String code, String labelKey) {}

    static final List<Purpose> PURPOSES = OfferService.PURPOSES.stream()
            .map(p -> new Purpose(
                    p, "auction.purpose." + p.substring(p.indexOf(':') + 1).replace("-", "")))
            .toList();

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");

    private final AuctionService auctions;
    private final ProblemResponses problems;
    private final Clock clock;

    AuctionPages(AuctionService auctions, ProblemResponses problems, Clock clock) {
        this.auctions = auctions;
        this.problems = problems;
        this.clock = clock;
    }

    @GetMapping("/exchange/auctions")
    @Permit(Action.VIEW_PUBLIC)
    String list(Actor actor, Model model, Locale locale) {
        model.addAttribute("open", auctions.openAuctions(actor));
        model.addAttribute("closed", auctions.closedAuctions(actor));
        model.addAttribute("openable", auctions.openable(actor));
        model.addAttribute("kinds", AuctionService.Kind.values());
        model.addAttribute(
                "defaultDeadline",
                LOCAL.format(clock.instant()
                        .plus(Duration.ofDays(7))
                        .atZone(ContractService.VIETNAM)
                        .truncatedTo(ChronoUnit.MINUTES)));
        model.addAttribute("timeLeft", new TimeLeft(problems, locale, clock.instant()));
        return "exchange/auctions";
    }

    @GetMapping("/exchange/auctions/{id}")
    @Permit(Action.VIEW_PUBLIC)
    String auction(Actor actor, @PathVariable long id, Model model, Locale locale) {
        AuctionService.View view = auctions.view(actor, id);
        model.addAttribute("v", view);
        model.addAttribute("purposes", PURPOSES);
        // One key per form shown: a doubled click sends it twice and makes one bid.
        model.addAttribute("bidKey", UUID.randomUUID().toString());
        model.addAttribute("timeLeft", new TimeLeft(problems, locale, clock.instant()));
        return "exchange/auction";
    }

    @PostMapping("/exchange/auctions")
    @Permit(Action.MANAGE_AUCTIONS)
    String open(
            Actor actor,
            @RequestParam long offerId,
            @RequestParam AuctionService.Kind kind,
            @RequestParam String closesAt,
            @RequestParam(required = false) Long minIncrement,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(
                flash,
                locale,
                "auction.opened",
                "/exchange/auctions",
                () -> auctions.open(
                        actor, offerId, new AuctionService.NewAuction(kind, deadline(closesAt), minIncrement)));
    }

    @PostMapping("/exchange/auctions/{id}/bids")
    @Permit(Action.BUY_DATA)
    String bid(
            Actor actor,
            @PathVariable long id,
            @RequestParam long amount,
            @RequestParam String purpose,
            @RequestParam String scenario,
            @RequestParam String key,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(
                flash,
                locale,
                "auction.bidPlaced",
                "/exchange/auctions/" + id,
                () -> auctions.bid(actor, id, key, new AuctionService.NewBid(amount, purpose, scenario, null)));
    }

    @PostMapping("/exchange/auctions/{id}/close")
    @Permit(Action.VIEW_CONTRACTS)
    String close(Actor actor, @PathVariable long id, RedirectAttributes flash, Locale locale) {
        return problems.redirectAfter(
                flash, locale, "auction.closedNow", "/exchange/auctions/" + id, () -> auctions.close(actor, id));
    }

    /** A {@code datetime-local} value, read as Vietnam time. */
    private static Instant deadline(String value) {
        try {
            return LocalDateTime.parse(value, LOCAL)
                    .atZone(ContractService.VIETNAM)
                    .toInstant();
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest("auction.deadlineInvalid", "A deadline such as 2026-12-31T17:00", 90);
        }
    }

    /** The time left until a deadline, in the reader's language, for templates: {@code ${timeLeft.until(x)}}. */
    record TimeLeft(ProblemResponses problems, Locale locale, Instant now) {
        public String until(Instant deadline) {
            Duration left = Duration.between(now, deadline);
            if (left.isNegative() || left.isZero()) {
                return problems.message("auction.timeUp", new Object[0], locale);
            }
            return problems.message(
                    "auction.timeLeft", new Object[] {left.toDays(), left.toHoursPart(), left.toMinutesPart()}, locale);
        }
    }
}

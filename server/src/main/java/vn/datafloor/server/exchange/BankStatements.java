package vn.datafloor.server.exchange;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.springframework.stereotype.Service;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.platform.ProblemException;

/**
 * Top-ups by bank transfer: each organisation's cash account has a reference ({@code DF} and eight
 * letters or digits) that it writes in the transfer's description, as VietQR transfers carry one; the
 * operator uploads the bank's statement and each credited line naming a reference becomes a top-up of
 * that account. A line's bank reference is its idempotency key, so a statement uploaded twice, or two
 * overlapping statements, credit nothing twice.
 *
 * <p>The statement is CSV with a header naming at least {@code date}, {@code amount}, {@code description}
 * and {@code bank_ref} (any order, comma or semicolon separated, UTF-8); amounts are whole đồng, with
 * or without dot or comma thousands separators. This is the payment port's default adapter; a gateway
 * that pushes transfers will call {@link #credit} the same way.
 */
@Service
public class BankStatements {

    /** At most this many lines and bytes per statement: a bank's daily statement is far smaller. */
    static final int MAX_LINES = 100_000;

    static final long MAX_BYTES = 20L * 1024 * 1024;

    private static final Pattern REFERENCE = Pattern.compile("\\bDF[A-HJ-NP-Z2-9]{8}\\b");

    /** What happened to one statement line. */
    public enum LineOutcome {
        CREDITED,
        ALREADY_CREDITED,
        NO_REFERENCE,
        UNKNOWN_REFERENCE,
        NOT_A_CREDIT
    }

    public record LineResult(int line, String bankRef, long amount, String reference, LineOutcome outcome)
            implements java.io.Serializable {}

    /** Serializable: shown once after a redirect, it rides in the session (in the database with API replicas). */
    public record Reconciliation(List<LineResult> lines, long credited, int creditedLines)
            implements java.io.Serializable {}

    private final MoneyJournal journal;
    private final AccessPolicy policy;

    BankStatements(MoneyJournal journal, AccessPolicy policy) {
        this.journal = journal;
        this.policy = policy;
    }

    public Reconciliation reconcile(Actor actor, InputStream statement) {
        policy.require(actor, Action.RECONCILE_PAYMENTS);
        List<LineResult> results = new ArrayList<>();
        long credited = 0;
        int creditedLines = 0;
        List<String[]> rows = read(statement);
        String[] header = rows.get(0);
        int date = column(header, "date");
        int amount = column(header, "amount");
        int description = column(header, "description");
        int bankRef = column(header, "bank_ref");
        for (int i = 1; i < rows.size(); i++) {
            String[] row = rows.get(i);
            int line = i + 1;
            if (row.length == 1 && row[0].isBlank()) {
                continue;
            }
            if (row.length < header.length) {
                throw ProblemException.badRequest(
                        "statement.shortLine",
                        "Line " + line + " has " + row.length + " fields, the header " + header.length,
                        line);
            }
            String ref = row[bankRef].strip();
            if (ref.isEmpty()) {
                throw ProblemException.badRequest("statement.noBankRef", "Line " + line + " has no bank_ref", line);
            }
            long value = amount(row[amount], line);
            if (row[date].isBlank()) {
                throw ProblemException.badRequest("statement.noDate", "Line " + line + " has no date", line);
            }
            Matcher m = REFERENCE.matcher(row[description].toUpperCase(Locale.ROOT));
            String reference = m.find() ? m.group() : null;
            LineOutcome outcome;
            if (value <= 0) {
                outcome = LineOutcome.NOT_A_CREDIT;
            } else if (reference == null) {
                outcome = LineOutcome.NO_REFERENCE;
            } else {
                Optional<MoneyJournal.Account> account = journal.byReference(reference);
                if (account.isEmpty()) {
                    outcome = LineOutcome.UNKNOWN_REFERENCE;
                } else {
                    boolean earlier = journal.byKey(key(ref)).isPresent();
                    credit(account.get(), value, ref, actor.personId());
                    outcome = earlier ? LineOutcome.ALREADY_CREDITED : LineOutcome.CREDITED;
                    if (!earlier) {
                        credited += value;
                        creditedLines++;
                    }
                }
            }
            results.add(new LineResult(line, ref, value, reference, outcome));
        }
        return new Reconciliation(results, credited, creditedLines);
    }

    /** Credits a transfer to an organisation's cash account, once per bank reference. */
    public MoneyJournal.Transaction credit(MoneyJournal.Account cash, long amount, String bankRef, Long by) {
        MoneyJournal.Account bank = journal.platformAccount(MoneyJournal.AccountKind.PLATFORM_BANK);
        return journal.post(
                MoneyJournal.TransactionKind.TOP_UP,
                key(bankRef),
                List.of(new MoneyJournal.Posting(bank.id(), -amount), new MoneyJournal.Posting(cash.id(), amount)),
                "Top-up by bank transfer " + bankRef,
                by,
                cash.orgId());
    }

    private static String key(String bankRef) {
        return "bank:" + bankRef;
    }

    private static long amount(String text, int line) {
        String digits = text.strip().replace(".", "").replace(",", "").replace(" ", "");
        if (!digits.matches("-?\\d{1,15}")) {
            throw ProblemException.badRequest(
                    "statement.badAmount", "Line " + line + ": the amount is not a whole number of đồng", line);
        }
        return Long.parseLong(digits);
    }

    private static int column(String[] header, String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].strip().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw ProblemException.badRequest(
                "statement.missingColumn",
                "The statement's header has no " + name + " column (needs date, amount, description, bank_ref)",
                name);
    }

    /** The statement's records (Apache Commons CSV); the separator is a semicolon when the header uses one. */
    private static List<String[]> read(InputStream statement) {
        var decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(new BoundedInputStream(statement, MAX_BYTES), decoder))) {
            in.mark(4096);
            String first = in.readLine();
            if (first == null) {
                throw ProblemException.badRequest("statement.empty", "The statement is empty");
            }
            in.reset();
            char separator = first.indexOf(';') >= 0 && first.indexOf(',') < 0 ? ';' : ',';
            CSVFormat format =
                    CSVFormat.DEFAULT.builder().setDelimiter(separator).get();
            try (CSVParser parser = CSVParser.parse(in, format)) {
                for (CSVRecord record : parser) {
                    if (rows.size() >= MAX_LINES) {
                        throw ProblemException.badRequest(
                                "statement.tooLarge",
                                "A statement holds at most " + MAX_LINES + " lines and 20 MB; split it");
                    }
                    String[] fields = record.values();
                    if (rows.isEmpty() && fields.length > 0 && fields[0].startsWith("\uFEFF")) {
                        fields[0] = fields[0].substring(1);
                    }
                    rows.add(fields);
                }
            }
        } catch (CharacterCodingException e) {
            throw ProblemException.badRequest(
                    "statement.encoding", "The statement is not UTF-8 text; export it as UTF-8 CSV");
        } catch (BoundedInputStream.TooLargeException e) {
            throw ProblemException.badRequest(
                    "statement.tooLarge", "A statement holds at most " + MAX_LINES + " lines and 20 MB; split it");
        } catch (java.io.UncheckedIOException | IllegalStateException e) {
            throw ProblemException.badRequest(
                    "statement.unreadable", "The statement is not valid CSV (an unclosed quote?)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /** Stops reading past {@code limit} bytes, so an endless upload is refused, not buffered. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private long left;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        static final class TooLargeException extends IOException {
            private static final long serialVersionUID = 1L;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && --left < 0) {
                throw new TooLargeException();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0 && (left -= n) < 0) {
                throw new TooLargeException();
            }
            return n;
        }
    }
}

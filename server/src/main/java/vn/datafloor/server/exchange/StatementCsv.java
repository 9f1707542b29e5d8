package vn.datafloor.server.exchange;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;

/**
 * A monthly statement as CSV for the organisation's accountant: one header row, then the opening
 * balance, every transaction and the closing balance, so the file opens as one table.
 *
 * <p>UTF-8 with a byte order mark, because Excel reads a CSV without one in the machine's legacy code
 * page and turns Vietnamese into mojibake. Amounts are plain integers (no thousands separators) so
 * spreadsheets read them as numbers; text that a spreadsheet would run as a formula is defused.
 */
@Component
class StatementCsv {

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(MoneyStatements.VIETNAM);

    private final MessageSource messages;

    StatementCsv(MessageSource messages) {
        this.messages = messages;
    }

    byte[] write(MoneyStatements.Statement statement, Locale locale) {
        StringBuilder csv = new StringBuilder();
        row(
                csv,
                List.of(
                        text("statement.csv.time", locale),
                        text("statement.csv.transaction", locale),
                        text("statement.csv.kind", locale),
                        text("statement.csv.description", locale),
                        text("statement.csv.in", locale),
                        text("statement.csv.out", locale),
                        text("statement.csv.balance", locale)));
        row(
                csv,
                List.of(
                        time(statement.from()),
                        "",
                        "",
                        messages.getMessage(
                                "statement.csv.opening",
                                new Object[] {statement.organisation(), statement.month()},
                                locale),
                        "",
                        "",
                        Long.toString(statement.openingBalance())));
        for (MoneyStatements.Line line : statement.lines()) {
            row(
                    csv,
                    List.of(
                            time(line.at()),
                            Long.toString(line.transaction()),
                            text("money.kind." + line.kind(), locale),
                            line.description(),
                            line.moneyIn() == 0 ? "" : Long.toString(line.moneyIn()),
                            line.moneyOut() == 0 ? "" : Long.toString(line.moneyOut()),
                            Long.toString(line.balance())));
        }
        row(
                csv,
                List.of(
                        time(statement.to().minusSeconds(1)),
                        "",
                        "",
                        text("statement.csv.closing", locale),
                        Long.toString(statement.totalIn()),
                        Long.toString(statement.totalOut()),
                        Long.toString(statement.closingBalance())));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(BOM);
        out.writeBytes(csv.toString().getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private String text(String key, Locale locale) {
        return messages.getMessage(key, null, key, locale);
    }

    private static String time(Instant instant) {
        return TIME.format(instant);
    }

    /** RFC 4180: fields separated by commas, quoted when they hold a comma, a quote or a line break; CRLF. */
    private static void row(StringBuilder csv, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                csv.append(',');
            }
            csv.append(field(fields.get(i)));
        }
        csv.append("\r\n");
    }

    private static String field(String value) {
        String text = value == null ? "" : value;
        // A description such as "=HYPERLINK(...)" must stay text when an accountant opens the file.
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 && !text.matches("-\\d+")) {
            text = "'" + text;
        }
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}

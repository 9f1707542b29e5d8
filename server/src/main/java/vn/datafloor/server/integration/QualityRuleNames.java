package vn.datafloor.server.integration;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;
import vn.datafloor.integration.pipeline.QualityReport;

/**
 * A quality rule's name as people read it ("Ngày sinh không được để trống" / "Birth date must not be empty"),
 * made from what the rule checks and the columns it looks at, instead of the spec's {@code completeness_1}.
 * Templates call it as {@code @qualityRuleNames.of(rule)}.
 */
@Component("qualityRuleNames")
public class QualityRuleNames {

    private final MessageSource messages;

    QualityRuleNames(MessageSource messages) {
        this.messages = messages;
    }

    public String of(QualityReport.RuleResult rule) {
        return of(rule, LocaleContextHolder.getLocale());
    }

    public String of(QualityReport.RuleResult rule, Locale locale) {
        if (rule.columns() == null || rule.columns().isEmpty()) {
            return rule.name(); // a report from before rules knew their columns, or a check on no column
        }
        String columns = columns(rule.columns(), locale);
        String kind = switch (rule.dimension()) {
            case COMPLETENESS -> "completeness";
            case UNIQUENESS -> "uniqueness";
            case VALIDITY ->
                rule.automatic() || (rule.check() != null && rule.check().contains("ambiguous"))
                        ? "unambiguous"
                        : "validity";
            case CONSISTENCY -> "consistency";
            case TIMELINESS -> "timeliness";
        };
        return messages.getMessage("quality.rule.kind." + kind, new Object[] {columns}, rule.name(), locale);
    }

    /** "Họ và tên, Ngày sinh và Số định danh": each column's label, a status or raw column under its base. */
    String columns(List<String> names, Locale locale) {
        Set<String> bases = new LinkedHashSet<>();
        for (String name : names) {
            bases.add(name.replaceAll("_(status|raw)$", ""));
        }
        List<String> labels = new ArrayList<>();
        for (String base : bases) {
            String fallback = base.replace('_', ' ');
            String label = messages.getMessage("quality.column." + base, null, fallback, locale);
            labels.add(labels.isEmpty() ? capitalise(label, locale) : label);
        }
        if (labels.size() == 1) {
            return labels.get(0);
        }
        String and = messages.getMessage("quality.rule.and", null, " and ", locale);
        return String.join(", ", labels.subList(0, labels.size() - 1)) + and + labels.get(labels.size() - 1);
    }

    private static String capitalise(String text, Locale locale) {
        return text.isEmpty() ? text : text.substring(0, 1).toUpperCase(locale) + text.substring(1);
    }
}

package vn.datafloor.server.catalog;

import java.util.Locale;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;
import vn.datafloor.integration.profile.PersonalCategory;
import vn.datafloor.integration.reference.AdminUnits;

/** Human names for the codes the catalog stores, in the reader's language (used by templates as {@code @catalogLabels}). */
@Component("catalogLabels")
public class CatalogLabels {

    private final MessageSource messages;
    private final AdminUnits units = AdminUnits.builtIn();

    CatalogLabels(MessageSource messages) {
        this.messages = messages;
    }

    private static boolean english(Locale locale) {
        return locale != null && "en".equals(locale.getLanguage());
    }

    public String theme(String code, Locale locale) {
        return CatalogVocabulary.Theme.ofCode(code)
                .map(t -> t.label(english(locale)))
                .orElse(code);
    }

    public String licence(String code, Locale locale) {
        return CatalogVocabulary.Licence.ofCode(code)
                .map(l -> l.label(english(locale)))
                .orElse(code);
    }

    public String licenceUrl(String code) {
        return CatalogVocabulary.Licence.ofCode(code)
                .map(CatalogVocabulary.Licence::url)
                .orElse(null);
    }

    public String frequency(String code, Locale locale) {
        return CatalogVocabulary.Frequency.ofCode(code)
                .map(f -> f.label(english(locale)))
                .orElse(code);
    }

    public String category(String code, Locale locale) {
        if (code == null) {
            return "";
        }
        if ("none".equals(code)) {
            return messages.getMessage("catalog.personal.none", null, "none", locale);
        }
        return PersonalCategory.ofCode(code)
                .map(c -> english(locale) ? c.labelEn() : c.labelVi())
                .orElse(code);
    }

    public boolean sensitive(String code) {
        return code != null
                && PersonalCategory.ofCode(code)
                        .map(PersonalCategory::sensitive)
                        .orElse(false);
    }

    public String unit(String code) {
        return units.province(AdminUnits.ListVersion.V2025, code)
                .map(AdminUnits.Province::name)
                .or(() -> units.commune(AdminUnits.ListVersion.V2025, code)
                        .map(c -> c.name() + ", "
                                + units.province(AdminUnits.ListVersion.V2025, c.provinceCode())
                                        .map(AdminUnits.Province::name)
                                        .orElse("")))
                .orElse(code);
    }

    /** A facet value as shown beside its checkbox. */
    public String facetValue(String facet, String value, Locale locale) {
        return switch (facet) {
            case "theme" -> theme(value, locale);
            case "licence" -> licence(value, locale);
            case "importance", "sharing" -> messages.getMessage("catalog." + facet + "." + value, null, value, locale);
            case "personal" -> messages.getMessage("catalog.personal." + value, null, value, locale);
            case "price" -> messages.getMessage("catalog.price." + value, null, value, locale);
            case "format" -> value.toUpperCase(Locale.ROOT);
            default -> value;
        };
    }

    public java.util.List<PersonalCategory> categories() {
        return java.util.List.of(PersonalCategory.values());
    }
}

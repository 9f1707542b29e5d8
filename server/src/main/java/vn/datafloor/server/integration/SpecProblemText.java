package vn.datafloor.server.integration;

import java.util.Locale;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;
import vn.datafloor.integration.pipeline.SpecProblem;

/**
 * A pipeline spec's problem in the reader's language, for the editor: the problem's code is its message key
 * ({@code pipeline.problem.*}, {@code schedule.problem.*}) and its arguments fill the wording. A problem without a
 * code, or with one this server has no words for, is shown in its English. The API keeps the English message.
 * Templates call it as {@code @specProblems.text(problem)}.
 */
@Component("specProblems")
public class SpecProblemText {

    private final MessageSource messages;

    SpecProblemText(MessageSource messages) {
        this.messages = messages;
    }

    public String text(SpecProblem problem) {
        return text(problem, LocaleContextHolder.getLocale());
    }

    public String text(SpecProblem problem, Locale locale) {
        if (problem.code() == null) {
            return problem.message();
        }
        return messages.getMessage(problem.code(), problem.args().toArray(), problem.message(), locale);
    }
}

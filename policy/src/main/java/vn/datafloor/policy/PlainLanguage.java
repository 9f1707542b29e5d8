package vn.datafloor.policy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a policy as plain sentences, in Vietnamese (the default) or English: one line for the policy, one per
 * rule. Deterministic, and complete on purpose: every rule and constraint appears; a term the engine does not know is
 * shown as written, followed by {@value #UNKNOWN}, so a reader sees what the evaluator will refuse to decide.
 */
public final class PlainLanguage {

    static final String UNKNOWN = "[?]";

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("dd/MM/yyyy");
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm");

    private PlainLanguage() {}

    public static String render(Policy policy) {
        return render(policy, Locale.forLanguageTag("vi"));
    }

    /** English for an English locale, Vietnamese for any other. */
    public static String render(Policy policy, Locale locale) {
        boolean en = locale.getLanguage().equals("en");
        List<String> lines = new ArrayList<>();
        lines.add(header(policy, en));
        for (Rule rule : policy.permissions()) {
            lines.add(sentence(policy, rule, en ? "May" : "Được phép", en));
        }
        for (Rule rule : policy.prohibitions()) {
            lines.add(sentence(policy, rule, en ? "Must not" : "Không được", en));
        }
        for (Rule rule : policy.obligations()) {
            lines.add(sentence(policy, rule, en ? "Must" : "Phải", en));
        }
        return String.join("\n", lines);
    }

    private static String header(Policy policy, boolean en) {
        StringBuilder s = new StringBuilder();
        s.append(
                switch (policy.type()) {
                    case SET -> en ? "Policy " : "Chính sách ";
                    case OFFER -> en ? "Offer " : "Đề nghị ";
                    case AGREEMENT -> en ? "Agreement " : "Thoả thuận ";
                });
        s.append(policy.uid());
        if (policy.assigner() != null) {
            s.append(en ? "; from " : "; bên cấp: ").append(policy.assigner());
        }
        if (policy.assignee() != null) {
            s.append(en ? "; to " : "; bên nhận: ").append(policy.assignee());
        }
        if (!policy.targets().isEmpty()) {
            s.append(en ? "; data: " : "; dữ liệu: ")
                    .append(String.join(
                            ", ",
                            policy.targets().stream()
                                    .map(t -> target(t, policy.targetRefinements(), en))
                                    .toList()));
        }
        s.append(
                switch (policy.conflictOrDefault()) {
                    case PERM ->
                        en
                                ? "; where a permission and a prohibition meet, the permission wins"
                                : "; khi quyền và lệnh cấm trùng nhau, quyền được ưu tiên";
                    case PROHIBIT ->
                        en
                                ? "; where a permission and a prohibition meet, the prohibition wins"
                                : "; khi quyền và lệnh cấm trùng nhau, lệnh cấm được ưu tiên";
                    case INVALID ->
                        en
                                ? "; where a permission and a prohibition meet, the policy is void"
                                : "; khi quyền và lệnh cấm trùng nhau, chính sách vô hiệu";
                });
        return s.append('.').toString();
    }

    private static String sentence(Policy policy, Rule rule, String lead, boolean en) {
        return lead + " " + clause(policy, rule, en) + ".";
    }

    /**
     * The action, its refinements and constraints, the rule's own parties and target, then its duties. A target that
     * is the policy's own, refined to some rows, is shown by its rows alone ("only rows where ..."); a permission
     * inheriting the policy's refined target says so too, since it is what the evaluator grants. A prohibition does
     * not: the evaluator reads it as covering the whole asset.
     */
    private static String clause(Policy policy, Rule rule, boolean en) {
        StringBuilder s = new StringBuilder(action(rule.action(), en));
        List<String> parts = new ArrayList<>();
        for (String target : rule.targets()) {
            List<Constraint> refinement = rule.targetRefinements().get(target);
            parts.add(
                    refinement != null && policy.targets().contains(target)
                            ? rows(refinement, en)
                            : (en ? "data " : "dữ liệu ") + target(target, rule.targetRefinements(), en));
        }
        if (rule.targets().isEmpty() && rule.kind() == Rule.Kind.PERMISSION) {
            policy.targetRefinements().values().forEach(r -> parts.add(rows(r, en)));
        }
        if (rule.assignee() != null) {
            parts.add((en ? "by " : "bên nhận ") + rule.assignee());
        }
        if (rule.assigner() != null) {
            parts.add((en ? "granted by " : "bên cấp ") + rule.assigner());
        }
        rule.action().refinements().forEach(c -> parts.add(constraint(c, en)));
        rule.constraints().forEach(c -> parts.add(constraint(c, en)));
        if (!parts.isEmpty()) {
            s.append(": ").append(String.join(", ", parts));
        }
        for (Rule duty : rule.duties()) {
            s.append(en ? "; provided they " : "; với điều kiện phải ").append(clause(policy, duty, en));
        }
        for (Rule remedy : rule.remedies()) {
            s.append(en ? "; if breached, must " : "; nếu vi phạm thì phải ").append(clause(policy, remedy, en));
        }
        for (Rule consequence : rule.consequences()) {
            s.append(en ? "; if not done, must " : "; nếu không thực hiện thì phải ")
                    .append(clause(policy, consequence, en));
        }
        return s.toString();
    }

    private static String target(String target, Map<String, List<Constraint>> refinements, boolean en) {
        List<Constraint> refinement = refinements.get(target);
        return refinement == null ? target : target + " (" + rows(refinement, en) + ")";
    }

    /** A target refinement of row conditions: "chỉ các dòng có province_code là 01 và ...". */
    static String rows(List<Constraint> refinement, boolean en) {
        return (en ? "only rows where " : "chỉ các dòng có ") + conditions(refinement, en);
    }

    private static String conditions(List<Constraint> refinement, boolean en) {
        List<String> parts = new ArrayList<>();
        for (Constraint c : refinement) {
            if (c instanceof Constraint.Atomic a) {
                parts.add(row(a, en));
            } else {
                Constraint.Logical l = (Constraint.Logical) c;
                String inner = conditions(l.constraints(), en);
                // Only and is a row scope; another combination is shown as written, marked as not understood.
                parts.add(
                        l.operator() == Constraint.LogicalOperator.AND
                                ? inner
                                : l.operator().term() + " " + UNKNOWN + " (" + inner + ")");
            }
        }
        return String.join(en ? " and " : " và ", parts);
    }

    private static String row(Constraint.Atomic a, boolean en) {
        String column = RowScope.column(a.leftOperand()).orElse(a.leftOperand() + " " + UNKNOWN);
        String op = a.operator();
        List<String> values = a.rightOperand().stream().map(Value::text).toList();
        String opText;
        String joined;
        if (!RowScope.OPERATORS.contains(op)) {
            opText = op + " " + UNKNOWN;
            joined = String.join(", ", values);
        } else if (op.equals("isAnyOf")) {
            opText = en ? "is" : "là";
            joined = String.join(en ? " or " : " hoặc ", values);
        } else if (op.equals("isNoneOf") && values.size() == 1) {
            opText = OPERATORS.get("neq")[en ? 1 : 0];
            joined = values.get(0);
        } else if (op.equals("isNoneOf")) {
            opText = en ? "is neither" : "không là";
            joined = String.join(en ? " nor " : " hay ", values);
        } else {
            opText = OPERATORS.get(op)[en ? 1 : 0];
            joined = String.join(", ", values);
        }
        return column + " " + opText + " " + joined;
    }

    private static final Map<String, String[]> ACTIONS = Map.ofEntries(
            Map.entry("use", new String[] {"sử dụng", "use"}),
            Map.entry("display", new String[] {"hiển thị", "display"}),
            Map.entry("distribute", new String[] {"phân phối", "distribute"}),
            Map.entry("reproduce", new String[] {"sao chép", "reproduce"}),
            Map.entry("modify", new String[] {"sửa đổi", "modify"}),
            Map.entry("delete", new String[] {"xoá", "delete"}),
            Map.entry("transfer", new String[] {"chuyển giao", "transfer"}),
            Map.entry("sell", new String[] {"bán", "sell"}),
            Map.entry("give", new String[] {"tặng cho", "give away"}),
            Map.entry("aggregate", new String[] {"tổng hợp", "aggregate"}),
            Map.entry("anonymize", new String[] {"ẩn danh hoá", "anonymize"}),
            Map.entry("compensate", new String[] {"trả tiền", "pay"}),
            Map.entry("inform", new String[] {"thông báo", "inform"}),
            Map.entry("read", new String[] {"đọc", "read"}),
            Map.entry("archive", new String[] {"lưu trữ", "archive"}),
            Map.entry("play", new String[] {"phát", "play"}),
            Map.entry("print", new String[] {"in", "print"}),
            Map.entry("derive", new String[] {"tạo dữ liệu dẫn xuất", "derive new data"}),
            Map.entry("index", new String[] {"lập chỉ mục", "index"}),
            Map.entry("translate", new String[] {"dịch", "translate"}),
            Map.entry("attribute", new String[] {"ghi nguồn", "attribute the source"}),
            Map.entry("obtainConsent", new String[] {"xin sự đồng ý", "obtain consent"}),
            Map.entry("execute", new String[] {"chạy", "execute"}),
            Map.entry("extract", new String[] {"trích xuất", "extract"}),
            Map.entry("transform", new String[] {"chuyển đổi", "transform"}),
            Map.entry("watermark", new String[] {"gắn dấu", "watermark"}));

    private static String action(Action action, boolean en) {
        String[] label = ACTIONS.get(action.name());
        if (label != null) {
            return label[en ? 1 : 0];
        }
        return action.known() ? action.name() : action.name() + " " + UNKNOWN;
    }

    private static String constraint(Constraint constraint, boolean en) {
        if (constraint instanceof Constraint.Atomic atomic) {
            return atomic(atomic, en);
        }
        Constraint.Logical logical = (Constraint.Logical) constraint;
        List<String> parts =
                logical.constraints().stream().map(c -> constraint(c, en)).toList();
        return switch (logical.operator()) {
            case AND -> "(" + String.join(en ? " and " : " và ", parts) + ")";
            case OR -> "(" + String.join(en ? " or " : " hoặc ", parts) + ")";
            case XONE -> (en ? "exactly one of (" : "đúng một trong (") + String.join("; ", parts) + ")";
            case AND_SEQUENCE ->
                (en ? "in sequence (" : "lần lượt (") + String.join(en ? ", then " : ", rồi ", parts) + ")";
        };
    }

    private static final Map<String, String[]> LEFT = Map.ofEntries(
            Map.entry("purpose", new String[] {"mục đích", "purpose"}),
            Map.entry("dateTime", new String[] {"thời điểm", "date"}),
            Map.entry("elapsedTime", new String[] {"thời gian từ khi bắt đầu", "time since the start"}),
            Map.entry("spatial", new String[] {"phạm vi địa lý", "place"}),
            Map.entry("count", new String[] {"số lần", "number of uses"}),
            Map.entry("recipient", new String[] {"người nhận", "recipient"}),
            Map.entry("industry", new String[] {"ngành", "industry"}),
            Map.entry("deliveryChannel", new String[] {"kênh cung cấp", "delivery channel"}),
            Map.entry("payAmount", new String[] {"số tiền", "amount"}),
            Map.entry("df:dataClassification", new String[] {"phân loại dữ liệu", "data classification"}),
            Map.entry("df:legalBasis", new String[] {"cơ sở pháp lý", "legal basis"}),
            Map.entry("df:crossBorder", new String[] {"chuyển ra nước ngoài", "delivery abroad"}),
            Map.entry("df:organisationKind", new String[] {"loại tổ chức", "kind of organisation"}));

    private static final Map<String, String[]> OPERATORS = Map.ofEntries(
            Map.entry("eq", new String[] {"là", "is"}),
            Map.entry("neq", new String[] {"khác", "is not"}),
            Map.entry("lt", new String[] {"nhỏ hơn", "less than"}),
            Map.entry("lteq", new String[] {"không quá", "at most"}),
            Map.entry("gt", new String[] {"lớn hơn", "more than"}),
            Map.entry("gteq", new String[] {"ít nhất", "at least"}),
            Map.entry("isA", new String[] {"thuộc loại", "is a"}),
            Map.entry("isAnyOf", new String[] {"là một trong", "is one of"}),
            Map.entry("isNoneOf", new String[] {"không là", "is none of"}),
            Map.entry("isAllOf", new String[] {"gồm tất cả", "is all of"}),
            Map.entry("isPartOf", new String[] {"nằm trong", "is part of"}),
            Map.entry("hasPart", new String[] {"bao gồm", "has part"}));

    /** Labels for the values Datafloor policies use most; others are shown as written. */
    private static final Map<String, String[]> VALUES = Map.ofEntries(
            Map.entry("df:creditScoring", new String[] {"chấm điểm tín dụng", "credit scoring"}),
            Map.entry("df:research", new String[] {"nghiên cứu", "research"}),
            Map.entry("df:statistics", new String[] {"thống kê", "statistics"}),
            Map.entry("df:marketing", new String[] {"tiếp thị", "marketing"}),
            Map.entry("df:riskManagement", new String[] {"quản lý rủi ro", "risk management"}),
            Map.entry("df:productDevelopment", new String[] {"phát triển sản phẩm", "product development"}),
            Map.entry("df:STATE_AGENCY", new String[] {"cơ quan nhà nước", "state agencies"}),
            Map.entry("df:ENTERPRISE", new String[] {"doanh nghiệp", "enterprises"}),
            Map.entry("df:RESEARCH_INSTITUTE", new String[] {"viện nghiên cứu", "research institutes"}),
            Map.entry("VN-HN", new String[] {"Hà Nội", "Hà Nội"}),
            Map.entry("VN-SG", new String[] {"TP. Hồ Chí Minh", "Ho Chi Minh City"}),
            Map.entry("df:consent", new String[] {"sự đồng ý của chủ thể dữ liệu", "the data subject's consent"}),
            Map.entry("df:contract", new String[] {"thực hiện hợp đồng", "a contract"}),
            Map.entry("df:legal-obligation", new String[] {"nghĩa vụ theo luật", "a legal obligation"}),
            Map.entry("df:public-task", new String[] {"nhiệm vụ của cơ quan nhà nước", "a public task"}),
            Map.entry("df:vital-interest", new String[] {"bảo vệ tính mạng, sức khoẻ", "vital interests"}),
            Map.entry("df:core", new String[] {"dữ liệu cốt lõi", "core data"}),
            Map.entry("df:important", new String[] {"dữ liệu quan trọng", "important data"}),
            Map.entry("df:other", new String[] {"dữ liệu khác", "other data"}),
            Map.entry("core", new String[] {"dữ liệu cốt lõi", "core data"}),
            Map.entry("important", new String[] {"dữ liệu quan trọng", "important data"}),
            Map.entry("other", new String[] {"dữ liệu khác", "other data"}),
            Map.entry("http://www.wikidata.org/entity/Q881", new String[] {"lãnh thổ Việt Nam", "Viet Nam"}),
            Map.entry("https://www.wikidata.org/wiki/Q881", new String[] {"lãnh thổ Việt Nam", "Viet Nam"}),
            Map.entry("VN", new String[] {"lãnh thổ Việt Nam", "Viet Nam"}));

    private static String atomic(Constraint.Atomic a, boolean en) {
        String left = a.leftOperand();
        String op = a.operator();
        boolean knownLeft = Terms.LEFT_OPERANDS.contains(left);
        boolean knownOp = Operator.ofTerm(op).isPresent();
        List<String> values =
                a.rightOperand().stream().map(v -> value(left, v, a.unit(), en)).toList();
        String joined = String.join(op.equals("isAnyOf") ? (en ? " or " : " hoặc ") : ", ", values);
        if (knownLeft && knownOp) {
            String special = special(left, op, a, joined, en);
            if (special != null) {
                return special;
            }
        }
        String leftText = knownLeft ? LEFT.get(left)[en ? 1 : 0] : left + " " + UNKNOWN;
        String opText = knownOp ? OPERATORS.get(op)[en ? 1 : 0] : op + " " + UNKNOWN;
        return leftText + " " + opText + " " + joined;
    }

    /** The common phrasings; null for the generic "operand operator value". */
    private static String special(String left, String op, Constraint.Atomic a, String v, boolean en) {
        boolean single = a.rightOperand().size() == 1;
        switch (left) {
            case "purpose":
                if (op.equals("eq") || op.equals("isAnyOf")) {
                    return (en ? "only for " : "chỉ dùng cho ") + v;
                }
                if (op.equals("neq") || op.equals("isNoneOf")) {
                    return (en ? "not for " : "không dùng cho ") + v;
                }
                return null;
            case "dateTime":
                if (!single) {
                    return null;
                }
                boolean day = a.rightOperand().get(0).text().length() == 10;
                return switch (op) {
                    case "lt" -> (en ? "before " : "trước ") + v;
                    case "lteq" -> day ? (en ? "until the end of " : "đến hết ") + v : (en ? "until " : "đến ") + v;
                    case "gt" -> (en ? "after " : "sau ") + v;
                    case "gteq" -> (en ? "from " : "từ ") + v;
                    case "eq" -> (en ? "on " : "vào ") + v;
                    default -> null;
                };
            case "elapsedTime":
                return switch (op) {
                    case "lt", "lteq" ->
                        en ? "within " + v + " of the start" : "trong vòng " + v + " kể từ khi bắt đầu";
                    case "gt", "gteq" -> en ? "after " + v + " from the start" : "sau " + v + " kể từ khi bắt đầu";
                    default -> null;
                };
            case "spatial":
                return switch (op) {
                    case "eq", "isPartOf", "isAnyOf" -> (en ? "within " : "trong ") + v;
                    case "neq", "isNoneOf" -> (en ? "outside " : "ngoài ") + v;
                    default -> null;
                };
            case "count":
                return switch (op) {
                    case "lteq" -> en ? "at most " + v + " times" : "tối đa " + v + " lần";
                    case "lt" -> en ? "fewer than " + v + " times" : "ít hơn " + v + " lần";
                    default -> null;
                };
            case "payAmount":
                return switch (op) {
                    case "eq" -> (en ? "the amount of " : "số tiền ") + v;
                    case "gteq" -> (en ? "at least " : "ít nhất ") + v;
                    case "lteq" -> (en ? "at most " : "tối đa ") + v;
                    default -> null;
                };
            case "df:crossBorder":
                if (!single || !(op.equals("eq") || op.equals("neq"))) {
                    return null;
                }
                boolean abroad = a.rightOperand().get(0).text().equalsIgnoreCase("true") == op.equals("eq");
                return abroad
                        ? (en ? "delivery abroad allowed" : "được chuyển ra nước ngoài")
                        : (en ? "no delivery abroad" : "không chuyển ra nước ngoài");
            default:
                return null;
        }
    }

    private static String value(String left, Value value, String unit, boolean en) {
        String text = value.text();
        switch (left) {
            case "dateTime":
                return date(text);
            case "elapsedTime":
                if (text.matches("P\\d+D")) {
                    return text.substring(1, text.length() - 1) + (en ? " days" : " ngày");
                }
                return text;
            case "payAmount":
                if (unit == null || unit.contains("VND") || unit.contains("Vietnamese_")) {
                    return money(text);
                }
                return text + " " + unit;
            default:
                String[] label = VALUES.get(Terms.compact(text));
                return label == null ? text : label[en ? 1 : 0];
        }
    }

    private static String date(String text) {
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).format(DAY);
            }
            return OffsetDateTime.parse(text)
                    .atZoneSameInstant(Evaluator.VIETNAM)
                    .format(MINUTE);
        } catch (java.time.DateTimeException e) {
            return text;
        }
    }

    /** Đồng with dot thousands separators: 1000000 → "1.000.000 ₫". */
    static String money(String text) {
        try {
            BigDecimal amount = new BigDecimal(text);
            String digits = amount.toBigInteger().abs().toString();
            StringBuilder grouped = new StringBuilder();
            for (int i = 0; i < digits.length(); i++) {
                if (i > 0 && (digits.length() - i) % 3 == 0) {
                    grouped.append('.');
                }
                grouped.append(digits.charAt(i));
            }
            return (amount.signum() < 0 ? "-" : "") + grouped + " ₫";
        } catch (NumberFormatException e) {
            return text + " ₫";
        }
    }
}

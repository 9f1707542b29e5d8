package vn.datafloor.server.demo;

import java.util.EnumSet;
import java.util.List;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import vn.datafloor.server.authz.Role;
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.identity.OrganisationKind;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.identity.UserService;

/**
 * The demo world: a fictional operator, agencies, an enterprise, a research institute and a
 * citizen, each with accounts in every role. Loaded only by {@code ./datafloor demo}; running it
 * again changes nothing.
 */
@Component
@Order(10)
@ConditionalOnProperty(name = "datafloor.demo", havingValue = "true")
public class DemoData implements ApplicationRunner {

    /** One password for every demo account, printed by the launcher. Never used outside the demo. */
    public static final String PASSWORD = "Datafloor-demo-2026";

    /**
     * The demo's citizen: a real person of the synthetic population the demo generates (seed 42), the
     * fourth one, Lê Văn Hán, born 1976, record CR000000004 of the civil registry and also in the tax and
     * health extracts. The population's first households do not depend on its size, so every demo of ten people or
     * more holds him; the bank reads his row once he has consented.
     */
    public static final String CITIZEN = "036076942608";

    public static final String CITIZEN_NAME = "Lê Văn Hán";

    public record DemoLogin(String username, String role, String organisation) {}

    public static final List<DemoLogin> LOGINS = List.of(
            new DemoLogin("admin", "OPERATOR_ADMIN", "Trung tâm Dữ liệu quốc gia"),
            new DemoLogin("kiemtoan", "AUDITOR", "Trung tâm Dữ liệu quốc gia"),
            new DemoLogin("yte.admin", "ORG_ADMIN", "Sở Y tế Hà Nội"),
            new DemoLogin("yte.dulieu", "DATA_STEWARD", "Sở Y tế Hà Nội"),
            new DemoLogin("thue.admin", "ORG_ADMIN", "Cục Thuế tỉnh Bắc Ninh"),
            new DemoLogin("saomai.admin", "ORG_ADMIN", "Công ty Cổ phần Dữ liệu Sao Mai"),
            new DemoLogin("saomai.phantich", "ANALYST", "Công ty Cổ phần Dữ liệu Sao Mai"),
            new DemoLogin("vien.phantich", "ANALYST", "Viện Nghiên cứu Kinh tế số"),
            new DemoLogin("hotich.dulieu", "DATA_STEWARD", "Sở Tư pháp Hà Nội"),
            new DemoLogin("thue.dulieu", "DATA_STEWARD", "Cục Thuế tỉnh Bắc Ninh"),
            new DemoLogin("bhxh.dulieu", "DATA_STEWARD", "Bảo hiểm xã hội Việt Nam"),
            new DemoLogin("dkkd.dulieu", "DATA_STEWARD", "Sở Kế hoạch và Đầu tư Bắc Ninh"),
            new DemoLogin("qltt.dulieu", "DATA_STEWARD", "Cục Quản lý thị trường"),
            new DemoLogin(CITIZEN, "CITIZEN", "—"));

    private final OrganisationService organisations;
    private final UserService users;

    DemoData(OrganisationService organisations, UserService users) {
        this.organisations = organisations;
        this.users = users;
    }

    @Override
    public void run(ApplicationArguments args) {
        Organisation operator = organisations.bootstrap("Trung tâm Dữ liệu quốc gia", OrganisationKind.OPERATOR);
        Organisation health = organisations.bootstrap("Sở Y tế Hà Nội", OrganisationKind.STATE_AGENCY);
        Organisation tax = organisations.bootstrap("Cục Thuế tỉnh Bắc Ninh", OrganisationKind.STATE_AGENCY);
        Organisation saoMai = organisations.bootstrap("Công ty Cổ phần Dữ liệu Sao Mai", OrganisationKind.ENTERPRISE);
        Organisation institute =
                organisations.bootstrap("Viện Nghiên cứu Kinh tế số", OrganisationKind.RESEARCH_INSTITUTE);

        staff(operator, "admin", "Trần Quốc Hùng", "hung.tq@dulieu.gov.vn.example", Role.OPERATOR_ADMIN);
        staff(operator, "kiemtoan", "Lê Thị Thu Hà", "ha.ltt@dulieu.gov.vn.example", Role.AUDITOR);
        staff(health, "yte.admin", "Phạm Minh Đức", "duc.pm@soyte.hanoi.example", Role.ORG_ADMIN);
        staff(health, "yte.dulieu", "Nguyễn Thị Ngọc Ánh", "anh.ntn@soyte.hanoi.example", Role.DATA_STEWARD);
        staff(tax, "thue.admin", "Đỗ Văn Khoa", "khoa.dv@thue.bacninh.example", Role.ORG_ADMIN);
        staff(saoMai, "saomai.admin", "Vũ Hoàng Long", "long.vh@saomai.example", Role.ORG_ADMIN);
        staff(saoMai, "saomai.phantich", "Bùi Thị Lan", "lan.bt@saomai.example", Role.ANALYST);
        staff(institute, "vien.phantich", "Hoàng Văn Nam", "nam.hv@vienktso.example", Role.ANALYST);
        users.bootstrapCitizen(CITIZEN, CITIZEN_NAME, PASSWORD);
    }

    private void staff(Organisation org, String username, String name, String email, Role role) {
        users.bootstrapStaff(org.id(), username, name, email, EnumSet.of(role), PASSWORD);
    }
}

package vn.datafloor.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunningUserCheckTest {

    @Test
    void rootIsTheEffectiveUserIdZero() {
        assertThat(RunningUserCheck.runsAsRoot("Name:\tjava\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n", "datafloor"))
                .isTrue();
        assertThat(RunningUserCheck.runsAsRoot("Name:\tjava\nUid:\t998\t998\t998\t998\n", "root"))
                .isFalse();
        // setuid-style: real user 998, effective root.
        assertThat(RunningUserCheck.runsAsRoot("Uid:\t998\t0\t0\t0\n", "datafloor"))
                .isTrue();
    }

    @Test
    void withoutProcTheUserNameDecides() {
        assertThat(RunningUserCheck.runsAsRoot(null, "root")).isTrue();
        assertThat(RunningUserCheck.runsAsRoot(null, "datafloor")).isFalse();
        assertThat(RunningUserCheck.runsAsRoot("Name:\tjava\n", "root")).isTrue();
    }

    @Test
    void theWarningSaysWhatToDo() {
        assertThat(RunningUserCheck.WARNING).contains("root", "User=datafloor", "docs/operations.md");
    }
}

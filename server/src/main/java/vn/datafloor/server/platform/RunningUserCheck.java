package vn.datafloor.server.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Warns at start when the server runs as root. It needs no privilege: a flaw that lets someone run
 * code in it would hand them the whole machine instead of one data directory. docs/operations.md
 * shows how to run it as a dedicated user.
 */
@Component
class RunningUserCheck {

    private static final Logger log = LoggerFactory.getLogger(RunningUserCheck.class);

    static final String WARNING = "Datafloor is running as root (uid 0). Run it as a dedicated unprivileged user that "
            + "owns only the data directory, e.g. the systemd unit in docs/operations.md (User=datafloor).";

    @EventListener(ApplicationStartedEvent.class)
    void warnIfRoot() {
        String status;
        try {
            status = Files.readString(Path.of("/proc/self/status"));
        } catch (IOException | RuntimeException e) {
            status = null; // not Linux: the user name is all there is to go on
        }
        if (runsAsRoot(status, System.getProperty("user.name"))) {
            log.warn(WARNING);
        }
    }

    /**
     * Root when the effective user id in {@code /proc/self/status} (its "Uid:" line: real, effective,
     * saved, filesystem) is 0, or, where that file is missing, when the user name is "root".
     */
    static boolean runsAsRoot(String procStatus, String userName) {
        if (procStatus != null) {
            for (String line : procStatus.split("\n")) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).strip().split("\\s+");
                    return ids.length >= 2 ? "0".equals(ids[1]) : "0".equals(ids[0]);
                }
            }
        }
        return "root".equals(userName);
    }
}

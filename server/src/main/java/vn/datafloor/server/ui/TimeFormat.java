package vn.datafloor.server.ui;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.springframework.stereotype.Component;

/** Times as people in Vietnam read them, for templates: {@code ${@timeFormat.of(instant)}}. */
@Component("timeFormat")
public class TimeFormat {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm:ss").withZone(ZoneId.of("Asia/Ho_Chi_Minh"));

    public String of(Instant instant) {
        return instant == null ? "—" : FORMAT.format(instant);
    }
}

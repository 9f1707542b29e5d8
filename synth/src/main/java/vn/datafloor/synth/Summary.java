package vn.datafloor.synth;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What was written.
 *
 * @param records           record count per extract, keyed by source name (e.g. "health/visits"), in file order
 * @param unencodableChars  characters of the Windows-1258 files that had to be replaced (see docs/synth.md)
 */
public record Summary(
        Path outDir,
        long people,
        long households,
        long businesses,
        long products,
        Map<String, Long> records,
        long unencodableChars) {

    public Summary {
        records = Collections.unmodifiableMap(new LinkedHashMap<>(records));
    }
}

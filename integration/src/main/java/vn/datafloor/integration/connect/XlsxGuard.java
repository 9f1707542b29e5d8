package vn.datafloor.integration.connect;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Checks an .xlsx workbook (a zip of XML parts) against the {@link InputLimits} before any XML parser
 * sees it: a 400 KB file can hold a sheet that expands to gigabytes, or one cell of 100 MB that a
 * streaming reader would still build whole in memory.
 *
 * <p>In order, each step bounded by the one before:
 * <ol>
 *   <li>the central directory is walked record by record (not trusting the declared count) and more
 *       than {@code maxZipEntries} entries are refused, before a zip library builds an object per entry;
 *   <li>each entry's declared size and ratio is checked;
 *   <li>each entry is inflated and its bytes counted as they come (headers can lie): the total may not
 *       pass {@code maxDecompressedBytes}, an entry larger than {@link InputLimits#RATIO_GRACE_BYTES} may
 *       not pass {@code maxCompressionRatio} times its compressed size, and the XML is scanned for a
 *       cell or a tag longer than {@code maxCellBytes} and for a DOCTYPE (OOXML has none).
 * </ol>
 * Inflating is cheap next to XML parsing; a refused file costs at most the limits' worth of it.
 * Rows and columns are counted while the sheet is read (see {@code SourceLoader}).
 *
 * <p>The same zip library as the workbook reader (commons-compress) reads the entries, so the check and
 * the reader see the same parts.
 */
final class XlsxGuard {

    private static final int EOCD_SIGNATURE = 0x06054b50;
    private static final int ZIP64_EOCD_LOCATOR_SIGNATURE = 0x07064b50;
    private static final int ZIP64_EOCD_SIGNATURE = 0x06064b50;
    private static final int CENTRAL_HEADER_SIGNATURE = 0x02014b50;
    private static final int EOCD_MIN = 22;
    private static final int MAX_COMMENT = 0xFFFF;

    private final InputLimits limits;
    private final String fileName;

    private XlsxGuard(InputLimits limits, String fileName) {
        this.limits = limits;
        this.fileName = fileName;
    }

    /**
     * @param shownName how the file is named in messages (the source's path, not the server's)
     * @throws InputLimitException naming the limit, the file and the part; never a value from it
     * @throws SourceException when the file is not a zip archive
     */
    static void check(Path file, String shownName, InputLimits limits) throws IOException {
        new XlsxGuard(limits, shownName).check(file);
    }

    private void check(Path file) throws IOException {
        countCentralDirectory(file);
        try (ZipFile zip = ZipFile.builder().setPath(file).get()) {
            int entries = 0;
            long declaredTotal = 0;
            long actualTotal = 0;
            for (Enumeration<ZipArchiveEntry> e = zip.getEntries(); e.hasMoreElements(); ) {
                ZipArchiveEntry entry = e.nextElement();
                if (++entries > limits.maxZipEntries()) {
                    throw tooManyEntries();
                }
                long declared = entry.getSize();
                if (declared > 0) {
                    declaredTotal += declared;
                    if (declaredTotal > limits.maxDecompressedBytes()) {
                        throw expandsTooMuch(entry.getName(), "declares");
                    }
                    checkRatio(entry, declared, "declares");
                }
            }
            for (Enumeration<ZipArchiveEntry> e = zip.getEntries(); e.hasMoreElements(); ) {
                ZipArchiveEntry entry = e.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                actualTotal = inflate(zip, entry, actualTotal);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof SourceException source) {
                throw source;
            }
            throw new SourceException("Not a readable .xlsx workbook: " + fileName + " is not a valid zip archive", e);
        }
    }

    /** Inflates one entry, counting and scanning as it goes; returns the running total. */
    private long inflate(ZipFile zip, ZipArchiveEntry entry, long total) throws IOException {
        String name = entry.getName();
        // Whether a part is XML is read from its first bytes, not its name: the workbook's relationships, not
        // the extension, tell the reader which parts to parse, and they may name a sheet "sheet1.png".
        XmlScan scan = new XmlScan(name);
        boolean classified = false;
        long entryBytes = 0;
        long ratioCeiling = ratioCeiling(entry);
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = zip.getInputStream(entry)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                entryBytes += n;
                total += n;
                if (total > limits.maxDecompressedBytes()) {
                    throw expandsTooMuch(name, "expands");
                }
                if (entryBytes > InputLimits.RATIO_GRACE_BYTES && entryBytes > ratioCeiling) {
                    throw ratio(name, "expands");
                }
                if (!classified) {
                    classified = true;
                    if (!isXml(buffer, n, name)) {
                        scan = null;
                    }
                }
                if (scan != null) {
                    scan.feed(buffer, n);
                }
            }
        }
        return total;
    }

    /**
     * A part starting with '&lt;' (after a UTF-8 byte-order mark and white space) is XML and is scanned.
     * XML in UTF-16 or UTF-32 (zero bytes around a '&lt;') is refused: spreadsheet programs write UTF-8,
     * and a byte-level scan could not see its cells. Anything else (images, binary parts) is only counted.
     */
    private boolean isXml(byte[] head, int length, String part) {
        int start =
                length >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF ? 3 : 0;
        boolean zero = false;
        boolean angle = false;
        for (int i = 0; i < Math.min(length, 4); i++) {
            zero |= head[i] == 0;
            angle |= head[i] == '<';
        }
        boolean wideBom = length >= 2
                && ((head[0] & 0xFF) == 0xFE && (head[1] & 0xFF) == 0xFF
                        || (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xFE);
        if (wideBom || zero && angle) {
            throw new InputLimitException(
                    "encoding",
                    "The workbook " + fileName + " has its part " + part
                            + " in UTF-16 or UTF-32; spreadsheet programs write UTF-8: save it again from a spreadsheet program");
        }
        for (int i = start; i < length; i++) {
            byte b = head[i];
            if (b == '<') {
                return true;
            }
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return false;
    }

    private long ratioCeiling(ZipArchiveEntry entry) {
        long compressed = Math.max(1, entry.getCompressedSize());
        return compressed > Long.MAX_VALUE / limits.maxCompressionRatio()
                ? Long.MAX_VALUE
                : compressed * limits.maxCompressionRatio();
    }

    private void checkRatio(ZipArchiveEntry entry, long declared, String verb) {
        if (declared > InputLimits.RATIO_GRACE_BYTES && declared > ratioCeiling(entry)) {
            throw ratio(entry.getName(), verb);
        }
    }

    // ------------------------------------------------------------------ central directory

    /**
     * Counts central directory records the way zip readers do (one after another while the signature
     * holds), stopping at the limit, so a directory of millions of tiny records is refused in a read
     * of at most {@code maxZipEntries} records.
     */
    private void countCentralDirectory(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < EOCD_MIN) {
                throw notAZip();
            }
            int tailLength = (int) Math.min(size, EOCD_MIN + MAX_COMMENT);
            ByteBuffer tail = ByteBuffer.allocate(tailLength).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(tail, size - tailLength);
            int eocd = -1;
            for (int i = tailLength - EOCD_MIN; i >= 0; i--) {
                if (tail.getInt(i) == EOCD_SIGNATURE) {
                    eocd = i;
                    break;
                }
            }
            if (eocd < 0) {
                throw notAZip();
            }
            long declaredEntries = Short.toUnsignedLong(tail.getShort(eocd + 10));
            long offset = Integer.toUnsignedLong(tail.getInt(eocd + 16));
            if (eocd >= 20 && tail.getInt(eocd - 20) == ZIP64_EOCD_LOCATOR_SIGNATURE) {
                long zip64 = tail.getLong(eocd - 20 + 8);
                ByteBuffer record = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
                if (zip64 < 0
                        || zip64 + 56 > size
                        || channel.read(record, zip64) < 56
                        || record.getInt(0) != ZIP64_EOCD_SIGNATURE) {
                    throw notAZip();
                }
                declaredEntries = record.getLong(32);
                offset = record.getLong(48);
            }
            if (declaredEntries > limits.maxZipEntries() || declaredEntries < 0) {
                throw tooManyEntries();
            }
            if (offset < 0 || offset >= size) {
                throw notAZip();
            }
            channel.position(offset);
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
            byte[] header = new byte[46];
            ByteBuffer view = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            long records = 0;
            while (in.readNBytes(header, 0, 46) == 46 && view.getInt(0) == CENTRAL_HEADER_SIGNATURE) {
                if (++records > limits.maxZipEntries()) {
                    throw tooManyEntries();
                }
                long skip = Short.toUnsignedLong(view.getShort(28))
                        + Short.toUnsignedLong(view.getShort(30))
                        + Short.toUnsignedLong(view.getShort(32));
                in.skipNBytes(skip);
            }
            if (records == 0 && declaredEntries > 0) {
                throw notAZip();
            }
        } catch (java.io.EOFException e) {
            throw notAZip();
        }
    }

    // ------------------------------------------------------------------ messages (never a value from the file)

    private SourceException notAZip() {
        return new SourceException("Not a readable .xlsx workbook: " + fileName + " is not a valid zip archive");
    }

    private InputLimitException tooManyEntries() {
        return new InputLimitException(
                "maxZipEntries",
                "The workbook " + fileName + " has more than " + limits.maxZipEntries()
                        + " parts (limit maxZipEntries); a spreadsheet has a few dozen: save it again from a spreadsheet program, "
                        + "or export the sheet as CSV");
    }

    private InputLimitException expandsTooMuch(String part, String verb) {
        return new InputLimitException(
                "maxDecompressedBytes",
                "The workbook " + fileName + " " + verb + " to more than "
                        + limits.maxDecompressedBytes()
                        + " bytes when unpacked (limit maxDecompressedBytes, reached in part " + part
                        + "); split it into smaller files or export the sheet as CSV");
    }

    private InputLimitException ratio(String part, String verb) {
        return new InputLimitException(
                "maxCompressionRatio",
                "The workbook " + fileName + " " + verb + " its part " + part
                        + " to more than " + limits.maxCompressionRatio()
                        + " times its packed size (limit maxCompressionRatio): "
                        + "spreadsheets do not compress like that, so it was not read; save it again from a spreadsheet program, "
                        + "or export the sheet as CSV");
    }

    // ------------------------------------------------------------------ XML scan

    /**
     * A byte-level pass over an XML part: the longest text of one cell (a {@code <c>} or a shared string
     * {@code <si>}, rich-text runs summed) or of any other text node, the longest tag (attribute values),
     * and no DOCTYPE. It keeps the last row and cell reference seen, to say where.
     */
    private final class XmlScan {
        private static final int MAX_TAG_KEPT = 512;

        private final String part;
        private final byte[] tag = new byte[MAX_TAG_KEPT];
        private boolean inTag;
        private int tagLength;
        private long tagBytes;
        private boolean inCell;
        private long textBytes;
        private long sharedStrings;
        private String cell;
        private String row;

        XmlScan(String part) {
            this.part = part;
        }

        void feed(byte[] bytes, int length) {
            int max = limits.maxCellBytes();
            for (int i = 0; i < length; i++) {
                byte b = bytes[i];
                if (inTag) {
                    if (b == '>') {
                        inTag = false;
                        endTag();
                    } else {
                        if (tagLength < MAX_TAG_KEPT) {
                            tag[tagLength++] = b;
                        }
                        if (++tagBytes > max) {
                            throw tooLong("an XML tag");
                        }
                    }
                } else if (b == '<') {
                    inTag = true;
                    tagLength = 0;
                    tagBytes = 0;
                } else if (++textBytes > max) {
                    throw tooLong(inCell ? "a cell" : "a text node");
                }
            }
        }

        private void endTag() {
            if (startsWith("!DOCTYPE") || startsWith("!ENTITY")) {
                throw new InputLimitException(
                        "doctype",
                        "The workbook " + fileName + " has a DOCTYPE in part " + part
                                + "; spreadsheets have none, so it was not read: save it again from a spreadsheet program");
            }
            if (isTag("c")) {
                inCell = tag[tagLength - 1] != '/';
                textBytes = 0;
                checkCellReference();
                cell = attribute("r");
            } else if (isTag("si")) {
                inCell = tag[tagLength - 1] != '/';
                textBytes = 0;
                sharedStrings++;
                cell = null;
            } else if (isTag("row")) {
                row = attribute("r");
                cell = null;
                textBytes = 0;
            } else if (isTag("/c") || isTag("/si")) {
                inCell = false;
                textBytes = 0;
            } else if (!inCell) {
                textBytes = 0;
            }
        }

        /**
         * A reader makes room for every column up to a cell's: {@code r="ZZZZZZ1"} would have it fill
         * three hundred million slots for one cell. A column past the limit is refused here, and a cell
         * tag too long to see its reference in is not shaped like a spreadsheet's.
         */
        private void checkCellReference() {
            if (tagBytes > MAX_TAG_KEPT) {
                throw new InputLimitException(
                        "cellReference",
                        "The workbook " + fileName + " has a cell tag longer than "
                                + MAX_TAG_KEPT + " bytes in " + part + (row == null ? "" : " at row " + row)
                                + "; spreadsheets write short ones: save it again from a spreadsheet program");
            }
            String text = new String(tag, 0, tagLength, StandardCharsets.ISO_8859_1);
            int at = text.indexOf(" r=\"");
            if (at < 0) {
                return;
            }
            long column = 0;
            int letters = 0;
            for (int i = at + 4; i < text.length() && Character.isLetter(text.charAt(i)); i++) {
                column = column * 26 + (Character.toUpperCase(text.charAt(i)) - 'A' + 1);
                if (++letters > 3 || column > limits.maxColumns()) {
                    throw new InputLimitException(
                            "maxColumns",
                            "The workbook " + fileName + " has a cell past column "
                                    + limits.maxColumns() + " (limit maxColumns) in " + part
                                    + (row == null ? "" : " at row " + row)
                                    + "; remove the unused columns");
                }
            }
        }

        private boolean startsWith(String prefix) {
            if (tagLength < prefix.length()) {
                return false;
            }
            for (int i = 0; i < prefix.length(); i++) {
                if (Character.toUpperCase((char) tag[i]) != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** The tag's name is {@code name}, with or without a namespace prefix ("x:c"). */
        private boolean isTag(String name) {
            boolean closing = name.startsWith("/");
            int start = 0;
            if (closing) {
                if (tagLength == 0 || tag[0] != '/') {
                    return false;
                }
                start = 1;
                name = name.substring(1);
            } else if (tagLength > 0 && tag[0] == '/') {
                return false;
            }
            int end = start;
            while (end < tagLength && !isSpace(tag[end]) && tag[end] != '/') {
                end++;
            }
            int colon = start;
            for (int i = start; i < end; i++) {
                if (tag[i] == ':') {
                    colon = i + 1;
                }
            }
            if (end - colon != name.length()) {
                return false;
            }
            for (int i = 0; i < name.length(); i++) {
                if (tag[colon + i] != name.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** A short attribute's value ({@code r="B7"}), only where it is a plain cell or row reference. */
        private String attribute(String name) {
            String text = new String(tag, 0, tagLength, StandardCharsets.ISO_8859_1);
            int at = text.indexOf(' ' + name + "=\"");
            if (at < 0) {
                return null;
            }
            int start = at + name.length() + 3;
            int end = text.indexOf('"', start);
            if (end < 0) {
                return null;
            }
            String value = text.substring(start, end);
            return value.matches("[A-Z]{0,3}[0-9]{1,7}") ? value : null;
        }

        private boolean isSpace(byte b) {
            return b == ' ' || b == '\t' || b == '\n' || b == '\r';
        }

        private InputLimitException tooLong(String what) {
            String where;
            if (cell != null) {
                String column = cell.replaceAll("[0-9]", "");
                String rowNumber = cell.replaceAll("[A-Z]", "");
                where = "row " + rowNumber + ", column " + column + " (cell " + cell + ")";
            } else if (part.contains("sharedStrings") && sharedStrings > 0) {
                where = "shared string " + sharedStrings;
            } else if (row != null) {
                where = "row " + row;
            } else {
                where = "part " + part;
            }
            return new InputLimitException(
                    "maxCellBytes",
                    "The workbook " + fileName + " has " + what + " longer than "
                            + limits.maxCellBytes() + " bytes (limit maxCellBytes) in " + part + " at " + where
                            + "; shorten it or export the sheet as CSV");
        }
    }
}

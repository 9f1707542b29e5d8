package vn.datafloor.integration.connect;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds hostile files in the test, small on disk: workbooks whose parts expand hugely, hold one
 * enormous cell or thousands of parts, and gzip files that unpack far past their size. Content is
 * written as a stream, never held whole in memory.
 */
final class Bombs {

    /** What every cell of a bomb says, so a test can check no message echoes it. */
    static final String SECRET = "GIA-TRI-BI-MAT";

    private Bombs() {}

    /** Writes a sheet's XML body (the rows) to the stream. */
    interface SheetRows {
        void write(OutputStream out) throws IOException;
    }

    /** A minimal valid workbook with one sheet, "Sheet1", whose rows {@code rows} writes. */
    static Path workbook(Path file, SheetRows rows) throws IOException {
        return workbook(file, null, rows);
    }

    /** The same, with a shared strings part. */
    static Path workbook(Path file, SheetRows sharedStrings, SheetRows rows) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            put(zip, "[Content_Types].xml", """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
                    <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
                    <Default Extension="xml" ContentType="application/xml"/>
                    <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
                    <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
                    """ + (sharedStrings == null ? "" : """
                    <Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
                    """) + "</Types>");
            put(zip, "_rels/.rels", """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                    <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
                    </Relationships>""");
            put(zip, "xl/workbook.xml", """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
                    <sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>""");
            put(zip, "xl/_rels/workbook.xml.rels", """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                    <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
                    """ + (sharedStrings == null ? "" : """
                    <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
                    """) + "</Relationships>");
            if (sharedStrings != null) {
                zip.putNextEntry(new ZipEntry("xl/sharedStrings.xml"));
                zip.write(
                        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">")
                                .getBytes(StandardCharsets.UTF_8));
                sharedStrings.write(zip);
                zip.write("</sst>".getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            zip.putNextEntry(new ZipEntry("xl/worksheets/sheet1.xml"));
            zip.write(
                    ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                                    + "<sheetData>")
                            .getBytes(StandardCharsets.UTF_8));
            rows.write(zip);
            zip.write("</sheetData></worksheet>".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return file;
    }

    /** A header row then {@code rows} identical rows: deflate packs them a thousand to one. */
    static SheetRows identicalRows(long rows) {
        return out -> {
            out.write(ascii("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>ma</t></is></c></row>"));
            byte[] row = ascii("<row><c t=\"inlineStr\"><is><t>" + SECRET + "</t></is></c></row>");
            for (long i = 0; i < rows; i++) {
                out.write(row);
            }
        };
    }

    /** A header row, then one row whose second cell holds {@code bytes} letters, written in chunks. */
    static SheetRows hugeCell(long bytes) {
        return out -> {
            out.write(ascii("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>ma</t></is></c>"
                    + "<c r=\"B1\" t=\"inlineStr\"><is><t>ten</t></is></c></row>"));
            out.write(
                    ascii(
                            "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>1</t></is></c><c r=\"B2\" t=\"inlineStr\"><is><t>"));
            writeRepeated(out, SECRET, bytes);
            out.write(ascii("</t></is></c></row>"));
        };
    }

    /** A header and {@code rows} rows of {@code columns} short distinct cells each. */
    static SheetRows table(int rows, int columns) {
        return out -> {
            for (int r = 1; r <= rows + 1; r++) {
                StringBuilder row = new StringBuilder("<row r=\"" + r + "\">");
                for (int c = 0; c < columns; c++) {
                    row.append("<c r=\"")
                            .append(column(c))
                            .append(r)
                            .append("\" t=\"inlineStr\"><is><t>")
                            .append(r == 1 ? "c" + c : "v" + r + "x" + c)
                            .append("</t></is></c>");
                }
                out.write(ascii(row.append("</row>").toString()));
            }
        };
    }

    /** Rows of pseudo-random letters: they barely compress, so only the total can stop them. */
    static SheetRows incompressible(long bytes, long seed) {
        return out -> {
            Random random = new Random(seed);
            out.write(ascii("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>ma</t></is></c></row>"));
            long written = 0;
            int r = 2;
            byte[] text = new byte[500];
            while (written < bytes) {
                for (int i = 0; i < text.length; i++) {
                    text[i] = (byte) ('a' + random.nextInt(26));
                }
                out.write(ascii("<row r=\"" + r + "\"><c r=\"A" + r + "\" t=\"inlineStr\"><is><t>"));
                out.write(text);
                out.write(ascii("</t></is></c></row>"));
                written += text.length + 60;
                r++;
            }
        };
    }

    /** A zip of {@code entries} tiny parts; with {@code lieAboutCount}, its end record declares a single entry. */
    static Path manyEntries(Path file, int entries, boolean lieAboutCount) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (int i = 0; i < entries; i++) {
                put(zip, "xl/media/p" + i + ".xml", "<p/>");
            }
        }
        if (lieAboutCount) {
            byte[] bytes = Files.readAllBytes(file);
            ByteBuffer end = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int eocd = bytes.length - 22; // no archive comment
            end.putShort(eocd + 8, (short) 1);
            end.putShort(eocd + 10, (short) 1);
            Files.write(file, bytes);
        }
        return file;
    }

    /** A gzip file of {@code bytes} bytes of CSV rows: a header and the same line over and over. */
    static Path gzipCsv(Path file, long bytes) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(ascii("ma,ten\n"));
            writeRepeated(out, "1," + SECRET + "\n", bytes);
        }
        return file;
    }

    static void writeRepeated(OutputStream out, String text, long bytes) throws IOException {
        byte[] unit = text.getBytes(StandardCharsets.UTF_8);
        byte[] chunk = new byte[(1 << 16) / unit.length * unit.length];
        for (int i = 0; i < chunk.length; i += unit.length) {
            System.arraycopy(unit, 0, chunk, i, unit.length);
        }
        long left = bytes;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            n -= n % unit.length == 0 ? 0 : n % unit.length;
            if (n == 0) {
                break;
            }
            out.write(chunk, 0, n);
            left -= n;
        }
    }

    static String column(int index) {
        StringBuilder name = new StringBuilder();
        for (int i = index + 1; i > 0; i = (i - 1) / 26) {
            name.insert(0, (char) ('A' + (i - 1) % 26));
        }
        return name.toString();
    }

    private static void put(ZipOutputStream zip, String name, String text) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

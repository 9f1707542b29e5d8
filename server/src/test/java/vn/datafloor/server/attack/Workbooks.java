package vn.datafloor.server.attack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Hand-written .xlsx files for decompression-bomb attacks: a valid workbook whose one sheet is
 * streamed straight into the zip, so the test never holds the expanded XML in memory. Repeated text
 * deflates about a thousand to one: a workbook of a few hundred kilobytes expands past 100 MB.
 */
final class Workbooks {

    private Workbooks() {}

    /** A sheet with a header cell {@code v} and {@code rows} rows of one cell of {@code cellChars} letters. */
    static Path manyRows(Path file, int rows, int cellChars) throws IOException {
        return write(file, sheet -> {
            String cell = "A".repeat(cellChars);
            for (int r = 2; r <= rows + 1; r++) {
                sheet.write("<row r=\"" + r + "\"><c r=\"A" + r + "\" t=\"inlineStr\"><is><t>" + cell
                        + "</t></is></c></row>");
            }
        });
    }

    /** A sheet with a header cell {@code v} and one cell of {@code cellChars} letters. */
    static Path oneHugeCell(Path file, long cellChars) throws IOException {
        return write(file, sheet -> {
            sheet.write("<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>");
            char[] chunk = "A".repeat(1 << 16).toCharArray();
            for (long written = 0; written < cellChars; written += chunk.length) {
                sheet.write(chunk, 0, (int) Math.min(chunk.length, cellChars - written));
            }
            sheet.write("</t></is></c></row>");
        });
    }

    /** Bytes the sheet XML of {@link #manyRows} expands to, for the test's own arithmetic. */
    static long manyRowsSheetBytes(int rows, int cellChars) {
        long perRow = ("<row r=\"" + (rows + 1) + "\"><c r=\"A" + (rows + 1)
                                + "\" t=\"inlineStr\"><is><t></t></is></c></row>")
                        .length()
                + (long) cellChars;
        return perRow * rows;
    }

    private interface SheetBody {
        void write(Writer sheet) throws IOException;
    }

    private static Path write(Path file, SheetBody rows) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
            zip.setLevel(Deflater.BEST_COMPRESSION);
            entry(zip, "[Content_Types].xml", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
                    <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
                    <Default Extension="xml" ContentType="application/xml"/>
                    <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
                    <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
                    </Types>""");
            entry(zip, "_rels/.rels", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                    <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
                    </Relationships>""");
            entry(zip, "xl/workbook.xml", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
                    <sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>
                    </workbook>""");
            entry(zip, "xl/_rels/workbook.xml.rels", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                    <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
                    </Relationships>""");
            zip.putNextEntry(new ZipEntry("xl/worksheets/sheet1.xml"));
            Writer sheet =
                    new java.io.BufferedWriter(new java.io.OutputStreamWriter(zip, StandardCharsets.UTF_8), 1 << 16);
            sheet.write("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
                    + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
                    + "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>v</t></is></c></row>");
            rows.write(sheet);
            sheet.write("</sheetData></worksheet>");
            sheet.flush();
            zip.closeEntry();
        }
        return file;
    }

    private static void entry(ZipOutputStream zip, String name, String text) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }
}

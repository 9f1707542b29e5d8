package vn.datafloor.integration.access;

import java.nio.file.Path;

/** A bulk export: the file written, how many rows and bytes, its SHA-256 (hex) and the subjects it holds. */
public record ExportResult(Path file, long rows, long bytes, String sha256, SubjectsTouched subjects) {}

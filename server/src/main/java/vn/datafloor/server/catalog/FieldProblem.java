package vn.datafloor.server.catalog;

/** One problem with one field of a description; {@code key} names the translated explanation. */
public record FieldProblem(String field, String key, String message) {}

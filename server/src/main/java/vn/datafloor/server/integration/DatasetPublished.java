package vn.datafloor.server.integration;

/** Published after a pipeline run made a new dataset version, for capabilities that follow the data. */
public record DatasetPublished(String dataset, int version, long orgId) {}

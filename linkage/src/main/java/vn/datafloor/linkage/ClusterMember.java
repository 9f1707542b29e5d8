package vn.datafloor.linkage;

/** One record's cluster; {@code clusterId} is "source:record_id" of the cluster's first record. */
public record ClusterMember(String source, String recordId, String clusterId) {}

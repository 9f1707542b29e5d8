package vn.datafloor.server.integration;

import java.util.Set;

/**
 * What the platform knows of a dataset's columns from the stewards' personal-data tags: which hold no personal
 * data. A run shows the failing examples of these columns in its quality report as they are, and masks every
 * other one (a column nobody has described yet is treated as personal). The catalog answers it.
 */
public interface DatasetColumnTags {

    /** Columns of {@code dataset} known not to be personal data; empty when the dataset is not described. */
    Set<String> notPersonal(String dataset);
}

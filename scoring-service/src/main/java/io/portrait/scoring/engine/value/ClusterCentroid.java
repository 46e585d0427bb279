package io.portrait.scoring.engine.value;

/**
 * A K-Means cluster described by its centroid in everyday units (the centroid of the standardized log features,
 * transformed back: a geometric-mean-like typical member) and its size. Clusters are numbered from the most
 * valuable (recent, frequent, big-spending) to the least.
 */
public record ClusterCentroid(int index, int size, double recencyDays, double frequency, double monetary) {
}

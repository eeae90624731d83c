package dev.visage.training;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Batches for outlier exposure: every epoch shuffles the people's images (indices below {@code known}) into batches
 * of {@code batchSize}, and adds to each batch {@code outliersPerBatch} images drawn at random from the outliers
 * (the indices from {@code known} on). An epoch costs a fixed share more however many outliers there are.
 */
final class OutlierMixingSampler implements Sampler {

    private final int known;
    private final int outliers;
    private final int batchSize;
    private final int outliersPerBatch;
    private final Random random;

    OutlierMixingSampler(int known, int outliers, int batchSize, int outliersPerBatch, long seed) {
        if (known < 1 || outliers < 1) {
            throw new IllegalArgumentException("Need images of the people and outliers: " + known + ", " + outliers);
        }
        this.known = known;
        this.outliers = outliers;
        this.batchSize = batchSize;
        this.outliersPerBatch = outliersPerBatch;
        this.random = new Random(seed);
    }

    @Override
    public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
        List<Long> order = new ArrayList<>(known);
        for (long i = 0; i < known; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        List<List<Long>> batches = new ArrayList<>();
        for (int from = 0; from < known; from += batchSize) {
            List<Long> batch = new ArrayList<>(order.subList(from, Math.min(known, from + batchSize)));
            for (int i = 0; i < outliersPerBatch; i++) {
                batch.add((long) known + random.nextInt(outliers));
            }
            batches.add(batch);
        }
        return batches.iterator();
    }

    @Override
    public int getBatchSize() {
        return batchSize;
    }
}

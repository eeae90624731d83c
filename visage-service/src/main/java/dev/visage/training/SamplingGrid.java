package dev.visage.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Bilinear sampling of a batch of square images through one affine map per image, in tensor operations only: the
 * output pixels' source coordinates are one batched matrix product, then four gathers from the flattened images
 * are weighted by the distances to the four neighbouring pixels. Coordinates past the edge take the edge.
 */
final class SamplingGrid {

    private SamplingGrid() {}

    /**
     * @param images B x C x side x side
     * @param maps B x 3 x 2: output pixel (row, column), centred as (u, v) = (column - c, row - c) with c the
     *     output's centre, samples source (x, y) = (u, v, 1) x map
     * @param size side of the output
     * @return B x C x size x size
     */
    static NDArray sample(NDArray images, NDArray maps, int size) {
        NDManager manager = images.getManager();
        long batch = images.getShape().get(0);
        long channels = images.getShape().get(1);
        long side = images.getShape().get(2);
        NDArray source = outputGrid(manager, size).matMul(maps).clip(0, side - 1);
        NDArray x = source.get(":, :, 0");
        NDArray y = source.get(":, :, 1");
        NDArray x0 = x.floor();
        NDArray y0 = y.floor();
        NDArray wx = x.sub(x0).expandDims(1);
        NDArray wy = y.sub(y0).expandDims(1);
        NDArray x1 = x0.add(1).minimum(side - 1);
        NDArray y1 = y0.add(1).minimum(side - 1);
        NDArray flat = images.reshape(batch, channels, side * side);
        Shape gathered = new Shape(batch, channels, (long) size * size);
        NDArray top = pixels(flat, y0, x0, side, gathered)
                .mul(wx.neg().add(1))
                .add(pixels(flat, y0, x1, side, gathered).mul(wx));
        NDArray bottom = pixels(flat, y1, x0, side, gathered)
                .mul(wx.neg().add(1))
                .add(pixels(flat, y1, x1, side, gathered).mul(wx));
        return top.mul(wy.neg().add(1)).add(bottom.mul(wy)).reshape(batch, channels, size, size);
    }

    /** The pixels at whole coordinates (B x N each) of every channel: B x C x N. */
    private static NDArray pixels(NDArray flat, NDArray y, NDArray x, long side, Shape gathered) {
        NDArray index = y.mul(side).add(x).toType(DataType.INT64, false).expandDims(1);
        return flat.gather(index.broadcast(gathered), 2);
    }

    /** (u, v, 1) of every output pixel, row by row: N x 3. */
    private static NDArray outputGrid(NDManager manager, int size) {
        float half = (size - 1) / 2f;
        float[] grid = new float[size * size * 3];
        for (int row = 0; row < size; row++) {
            for (int column = 0; column < size; column++) {
                int at = 3 * (row * size + column);
                grid[at] = column - half;
                grid[at + 1] = row - half;
                grid[at + 2] = 1;
            }
        }
        return manager.create(grid, new Shape((long) size * size, 3));
    }
}

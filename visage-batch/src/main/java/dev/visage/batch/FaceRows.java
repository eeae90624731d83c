package dev.visage.batch;

import dev.visage.identify.Identification;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The job's output: one row per face found, and one per photo without one (no face, or not readable) that says why
 * in {@code reason}.
 */
final class FaceRows {

    /** A photo in which no face was found. */
    static final String NO_FACE = "no face";
    /** A file that is not an image of a type Visage reads, or a corrupt one. */
    static final String NOT_AN_IMAGE = "not an image";
    /** An image over the byte or pixel limits ({@code visage.identify.max-bytes}, {@code max-pixels}). */
    static final String TOO_LARGE = "too large";

    private static final StructType BOX = new StructType()
            .add("x", DataTypes.IntegerType, false)
            .add("y", DataTypes.IntegerType, false)
            .add("width", DataTypes.IntegerType, false)
            .add("height", DataTypes.IntegerType, false);

    /** The columns, in order; all but {@code file} and {@code modelVersion} may be null. */
    static final StructType SCHEMA = new StructType()
            .add("file", DataTypes.StringType, false)
            .add("box", BOX, true)
            .add("person", DataTypes.StringType, true)
            .add("confidence", DataTypes.FloatType, true)
            .add("known", DataTypes.BooleanType, true)
            .add("modelVersion", DataTypes.StringType, false)
            .add("reason", DataTypes.StringType, true);

    private FaceRows() {}

    /** A face: identified (person, confidence, known), or with the reason it was not (too small, too many). */
    static Row face(String file, Identification.Face face, String modelVersion) {
        Identification.Box box = face.box();
        return RowFactory.create(
                file,
                RowFactory.create(box.x(), box.y(), box.width(), box.height()),
                face.person() == null ? Identification.UNKNOWN : face.person(),
                face.confidence(),
                face.known() != null && face.known(),
                modelVersion,
                face.reason());
    }

    /** A photo without a face to answer for, and why. */
    static Row photo(String file, String reason, String modelVersion) {
        return RowFactory.create(file, null, Identification.UNKNOWN, null, false, modelVersion, reason);
    }
}

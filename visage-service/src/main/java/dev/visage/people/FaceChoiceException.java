package dev.visage.people;

import dev.visage.identify.Identification;
import dev.visage.system.DomainError;
import java.util.List;

/** An enrolment photo without exactly one usable face: none, several (listed, to pick one with {@code box}), too small. */
public final class FaceChoiceException extends RuntimeException implements DomainError {

    private final Problem problem;

    private FaceChoiceException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    @Override
    public Problem problem() {
        return problem;
    }

    static FaceChoiceException none() {
        return new FaceChoiceException(
                new Problem(422, "no-face", Identification.NO_FACE),
                "No face was found in the photo; send a photo where the face is clearly visible");
    }

    static FaceChoiceException several(List<Identification.Box> boxes) {
        return new FaceChoiceException(
                new Problem(422, "several-faces", "Several faces").with("faces", boxes),
                boxes.size() + " faces were found; pick one with ?box=x,y,w,h (one of the boxes listed in 'faces')");
    }

    static FaceChoiceException noneAt(String box, List<Identification.Box> boxes) {
        return new FaceChoiceException(
                new Problem(422, "no-face-at-box", "No face at that box").with("faces", boxes),
                "No face found overlaps the box " + box + " by at least half; the faces found are listed in 'faces'");
    }

    static FaceChoiceException invalidBox(String box) {
        return new FaceChoiceException(
                new Problem(400, "invalid-box", "Invalid box"),
                "box must be four whole numbers x,y,w,h (w and h positive), not '" + box + "'");
    }

    static FaceChoiceException tooSmall(Identification.Box box) {
        return new FaceChoiceException(
                new Problem(422, "face-too-small", Identification.TOO_SMALL).with("box", box),
                "The face is too small to be identified; send a photo where it is larger");
    }
}

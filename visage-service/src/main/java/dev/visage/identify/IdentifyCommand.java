package dev.visage.identify;

import dev.visage.serving.CurrentModel;
import dev.visage.store.ModelStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * {@code java -jar visage.jar identify [--detect=false] PHOTO|FOLDER ...}: identifies the faces in photos (every
 * file under a folder) with the store's current model, as {@code POST /identify} does, without a web server. One
 * tab-separated line per face: file, box (x,y,width,height), person (or "unknown", or why no face was identified)
 * and confidence; "-" where there is none. Exits 1 when a photo could not be read or no model serves.
 */
@Component
@ConditionalOnProperty(name = "visage.command", havingValue = "identify")
class IdentifyCommand implements ApplicationRunner, ExitCodeGenerator {

    private static final String NONE = "-";

    private final IdentificationService identification;
    private final CurrentModel currentModel;
    private final ModelStore store;
    private final PrintStream out;
    private int exitCode;

    /** @param out where the answers go: standard output, which carries nothing else */
    IdentifyCommand(
            IdentificationService identification, CurrentModel currentModel, ModelStore store, PrintStream out) {
        this.identification = identification;
        this.currentModel = currentModel;
        this.store = store;
        this.out = out;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (currentModel.version().isEmpty()) {
            fail("No model serves from " + store.root() + ": train one first (java -jar visage.jar train)");
            return;
        }
        if (args.getNonOptionArgs().isEmpty()) {
            fail("Name the photos or folders to identify (see --help)");
        }
        boolean detect =
                !args.containsOption("detect") || !"false".equals(String.join("", args.getOptionValues("detect")));
        for (String argument : args.getNonOptionArgs()) {
            for (Path photo : photos(Path.of(argument))) {
                identify(photo, detect);
            }
        }
    }

    /** The file, or every file under the folder, in path order. */
    private List<Path> photos(Path argument) {
        try (Stream<Path> files = Files.walk(argument)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            fail(argument + ": cannot be read (" + e + ")");
            return List.of();
        }
    }

    private void identify(Path photo, boolean detect) {
        Identification answer;
        try {
            answer = identification.identify(Files.readAllBytes(photo), 1, false, detect);
        } catch (IOException | ImageRejectedException e) {
            fail(photo + ": " + e.getMessage());
            return;
        }
        if (answer.faces().isEmpty()) {
            out.println(String.join("\t", photo.toString(), NONE, answer.reason(), NONE));
        }
        for (Identification.Face face : answer.faces()) {
            Identification.Box box = face.box();
            out.println(String.join(
                    "\t",
                    photo.toString(),
                    box.x() + "," + box.y() + "," + box.width() + "," + box.height(),
                    face.person() != null ? face.person() : face.reason(),
                    face.confidence() != null ? String.format(Locale.ROOT, "%.4f", face.confidence()) : NONE));
        }
    }

    private void fail(String message) {
        System.err.println(message);
        exitCode = 1;
    }

    @Override
    public int getExitCode() {
        return exitCode;
    }
}

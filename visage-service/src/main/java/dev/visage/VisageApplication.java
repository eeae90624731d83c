package dev.visage;

import dev.visage.system.DjlEnvironment;
import dev.visage.system.NativeAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Visage: trains a face-identification network on LFW with DJL and serves it over REST.
 *
 * <p>{@code java -jar visage.jar} starts the service; {@code train} and {@code identify} run as commands, without
 * the web server; {@code --help} prints how to use them ({@code usage.txt}) and starts nothing.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class VisageApplication {

    static final String TRAIN_COMMAND = "train";
    static final String IDENTIFY_COMMAND = "identify";
    private static final Set<String> HELP = Set.of("--help", "-h", "help");

    public static void main(String[] args) throws IOException {
        String command = args.length > 0 ? args[0] : "";
        if (HELP.contains(command)) {
            System.out.print(usage());
            return;
        }
        NativeAllocator.relaunchWithSettings();
        DjlEnvironment.configure();
        if (command.equals(TRAIN_COMMAND) || command.equals(IDENTIFY_COMMAND)) {
            PrintStream out = System.out;
            if (command.equals(IDENTIFY_COMMAND)) {
                // Standard output carries the answers alone; the logs go to standard error.
                System.setOut(System.err);
            }
            String[] options = Arrays.copyOfRange(args, 1, args.length);
            System.exit(SpringApplication.exit(command(command, out).run(options)));
        }
        SpringApplication.run(VisageApplication.class, args);
    }

    static String usage() throws IOException {
        try (InputStream text = VisageApplication.class.getResourceAsStream("/usage.txt")) {
            return new String(text.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A command: the application without a web server, with {@code out} as the command's standard output. */
    static SpringApplication command(String name, PrintStream out) {
        return new SpringApplicationBuilder(VisageApplication.class)
                .web(WebApplicationType.NONE)
                .properties("visage.command=" + name)
                .initializers(context -> context.getBeanFactory().registerSingleton("commandOutput", out))
                .build();
    }
}

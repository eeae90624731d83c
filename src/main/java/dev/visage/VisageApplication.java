package dev.visage;

import dev.visage.system.DjlEnvironment;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Visage: trains a face-identification network on LFW with DJL and serves it over REST.
 *
 * <p>{@code java -jar visage.jar} starts the service; {@code java -jar visage.jar train [--key=value ...]}
 * trains, evaluates and stores one model without starting the web server.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class VisageApplication {

    static final String TRAIN_COMMAND = "train";

    public static void main(String[] args) {
        DjlEnvironment.configure();
        if (args.length > 0 && TRAIN_COMMAND.equals(args[0])) {
            String[] options = Arrays.copyOfRange(args, 1, args.length);
            System.exit(SpringApplication.exit(trainCommand().run(options)));
        }
        SpringApplication.run(VisageApplication.class, args);
    }

    /** The {@code train} command: the application without a web server, running {@code TrainCommand}. */
    static SpringApplication trainCommand() {
        return new SpringApplicationBuilder(VisageApplication.class)
                .web(WebApplicationType.NONE)
                .properties("visage.command=" + TRAIN_COMMAND)
                .build();
    }
}

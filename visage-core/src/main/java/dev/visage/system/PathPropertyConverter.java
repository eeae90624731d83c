package dev.visage.system;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.core.convert.converter.Converter;
import org.springframework.stereotype.Component;

/**
 * Binds folder settings such as {@code visage.lfw.dir=../shared/lfw/lfw-deepfunneled} as plain file-system paths.
 * Spring's default conversion reads them as resource locations first, and refuses relative paths that climb
 * out with {@code ..}.
 */
@Component
@ConfigurationPropertiesBinding
class PathPropertyConverter implements Converter<String, Path> {

    @Override
    public Path convert(String source) {
        return Path.of(source);
    }
}

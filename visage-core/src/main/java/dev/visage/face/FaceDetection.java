package dev.visage.face;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The service's one face detector, shared by all request threads (it lends each call its own classifier). */
@Configuration(proxyBeanMethods = false)
class FaceDetection {

    @Bean(destroyMethod = "close")
    FaceDetector faceDetector(DetectionProperties properties) {
        return new FaceDetector(properties.toSettings());
    }
}

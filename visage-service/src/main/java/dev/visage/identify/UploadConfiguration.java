package dev.visage.identify;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.multipart.MultipartResolver;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * Uploads: the memory budget, the non-blocking body reader and the multipart resolver that replaces Spring's
 * (which would buffer the body in Tomcat, copy it again for {@code getBytes()}, and hold a thread while a client
 * trickles it in). Spring Boot's own multipart support is off ({@code spring.servlet.multipart.enabled=false}).
 */
@Configuration(proxyBeanMethods = false)
class UploadConfiguration {

    static final String UPLOAD_BUDGET = "uploadBudget";
    static final String DECODE_BUDGET = "decodeBudget";

    private static final Logger log = LoggerFactory.getLogger(UploadConfiguration.class);

    @Bean(UPLOAD_BUDGET)
    MemoryBudget uploadBudget(LimitsProperties limits, MeterRegistry meters) {
        return budget("uploads", LimitsProperties.bytes(limits.uploadMemory()), meters);
    }

    @Bean(DECODE_BUDGET)
    MemoryBudget decodeBudget(LimitsProperties limits, MeterRegistry meters) {
        return budget("decoding", LimitsProperties.bytes(limits.decodeMemory()), meters);
    }

    private static MemoryBudget budget(String name, long bytes, MeterRegistry meters) {
        MemoryBudget budget = new MemoryBudget(name, bytes);
        Gauge.builder("visage.memory.budget.used", budget, MemoryBudget::inUse)
                .description("Bytes of request memory in flight")
                .tag("budget", name)
                .baseUnit("bytes")
                .register(meters);
        Gauge.builder("visage.memory.budget.capacity", budget, MemoryBudget::capacity)
                .tag("budget", name)
                .baseUnit("bytes")
                .register(meters);
        log.info("Memory budget for {}: {} MiB in flight", name, bytes >> 20);
        return budget;
    }

    @Bean
    @ConditionalOnWebApplication
    FilterRegistrationBean<UploadReadingFilter> uploadReadingFilter(
            @Qualifier(UPLOAD_BUDGET) MemoryBudget budget, IdentifyProperties identify, LimitsProperties limits) {
        FilterRegistrationBean<UploadReadingFilter> registration =
                new FilterRegistrationBean<>(new UploadReadingFilter(budget, identify, limits));
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        registration.setAsyncSupported(true);
        registration.setOrder(0);
        return registration;
    }

    @Bean(DispatcherServlet.MULTIPART_RESOLVER_BEAN_NAME)
    @ConditionalOnWebApplication
    MultipartResolver multipartResolver() {
        return new UploadMultipartResolver();
    }
}

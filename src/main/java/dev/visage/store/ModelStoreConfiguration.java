package dev.visage.store;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ModelStoreConfiguration {

    @Bean
    ModelStore modelStore(ModelStoreProperties properties) {
        ModelStore store = new ModelStore(properties.dir(), properties.keep());
        store.checkWritable();
        return store;
    }
}

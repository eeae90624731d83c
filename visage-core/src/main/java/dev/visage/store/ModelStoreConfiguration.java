package dev.visage.store;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ModelStoreConfiguration {

    /** The store, cleared of what interrupted writes left behind. */
    @Bean
    ModelStore modelStore(ModelStoreProperties properties) {
        ModelStore store = new ModelStore(properties.dir(), properties.keep());
        store.checkWritable();
        store.removeStaleTemporaries(properties.lockStaleAfter());
        return store;
    }

    /** The face bases, in the store's {@code bases/} folder, cleared like the models. */
    @Bean
    BaseStore baseStore(ModelStore store, ModelStoreProperties properties) {
        BaseStore bases = new BaseStore(store.root(), properties.keep());
        bases.removeStaleTemporaries(properties.lockStaleAfter());
        return bases;
    }

    @Bean
    TrainingLock trainingLock(ModelStore store, ModelStoreProperties properties) {
        return new TrainingLock(store, instanceName(), properties.lockStaleAfter(), Clock.systemUTC());
    }

    /** Host, process and a random part: two applications in one process are two instances too. */
    static String instanceName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "/" + ManagementFactory.getRuntimeMXBean().getPid() + "/"
                + UUID.randomUUID().toString().substring(0, 8);
    }
}

package dev.visage.system;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartingEvent;
import org.springframework.context.ApplicationListener;

/**
 * Keeps DJL offline and loads LibTorch from the classpath.
 *
 * <p>Without these settings DJL sends telemetry and tries to download the engine; this service must never
 * reach the network at run time. They are set before any DJL class reads them.
 */
public final class DjlEnvironment {

    private static final Logger log = LoggerFactory.getLogger(DjlEnvironment.class);

    private DjlEnvironment() {}

    /**
     * Sets DJL's offline and tracking switches and LibTorch's thread defaults, unless already given, and tunes
     * the native allocator for LibTorch's tensors.
     */
    public static void configure() {
        NativeAllocator.configure();
        setDefault("ai.djl.offline", "true");
        setDefault("OPT_OUT_TRACKING", "true");
        // 2 intra-op threads and 1 inter-op thread train fastest on a 2-core machine; override with -D.
        setDefault(
                "ai.djl.pytorch.num_threads",
                String.valueOf(Runtime.getRuntime().availableProcessors()));
        setDefault("ai.djl.pytorch.num_interop_threads", "1");
    }

    /**
     * Loads the engine on the calling thread. In a Spring Boot fat jar this must first happen on a thread
     * whose context class loader is Spring's, or DJL's service loader finds no engine.
     */
    public static Engine loadEngine() {
        configure();
        Engine engine = Engine.getInstance();
        log.info(
                "Deep learning engine {} {} loaded (offline={}, threads={}/{})",
                engine.getEngineName(),
                engine.getVersion(),
                System.getProperty("ai.djl.offline"),
                System.getProperty("ai.djl.pytorch.num_threads"),
                System.getProperty("ai.djl.pytorch.num_interop_threads"));
        return engine;
    }

    /**
     * Sets how many intra-op threads LibTorch uses for work started from the calling thread. With OpenMP the
     * count belongs to the calling thread, so the inference thread and a training thread can differ; it also
     * becomes the default for threads that have not run parallel work yet, so each long-lived worker sets its own.
     */
    public static void useIntraOpThreads(int threads) {
        configure();
        Engine.getInstance(); // loads LibTorch's library first
        if (JniUtils.getNumThreads() != threads) {
            JniUtils.setNumThreads(threads);
        }
    }

    /** The configured intra-op threads ({@code ai.djl.pytorch.num_threads}, by default one per core). */
    public static int configuredIntraOpThreads() {
        configure();
        return Integer.getInteger(
                "ai.djl.pytorch.num_threads", Runtime.getRuntime().availableProcessors());
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Configures DJL as early as Spring starts, for launches that do not go through {@code main}. */
    public static final class StartingListener implements ApplicationListener<ApplicationStartingEvent> {
        @Override
        public void onApplicationEvent(ApplicationStartingEvent event) {
            configure();
        }
    }
}

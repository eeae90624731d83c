package dev.visage.jobs;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code visage.train-on-startup}.
 *
 * @param trainOnStartup train a model with the defaults at start-up when the store has no version at all and LFW is
 *     reachable; with several instances, one trains (env {@code VISAGE_TRAIN_ON_STARTUP})
 */
@ConfigurationProperties("visage")
record StartupTrainingProperties(@DefaultValue("true") boolean trainOnStartup) {}

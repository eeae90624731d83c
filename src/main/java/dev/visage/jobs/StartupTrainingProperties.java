package dev.visage.jobs;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code visage.train-on-startup}: whether the service trains a model with the defaults when it starts without
 * one (env {@code VISAGE_TRAIN_ON_STARTUP}).
 */
@ConfigurationProperties("visage")
record StartupTrainingProperties(@DefaultValue("true") boolean trainOnStartup) {}

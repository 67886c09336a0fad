package dev.segmentation.simulator.journey;

/** The kinds of event a simulated user journey is made of. */
public enum EventType {
    USER_REGISTRATION
}

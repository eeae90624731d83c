package dev.visage.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The store's promotion history, {@code lifecycle.json}: which versions served, in order, which candidates the
 * quality gate turned down and why, and the latest changes.
 *
 * @param promoted versions made current, oldest first; the last one is normally {@code current}. A roll-back
 *        drops the entries above its target, so the one below is "the previous current"
 * @param rejected candidates that were not promoted, with the reason; they are never a fall-back
 * @param events the latest changes, oldest first
 */
public record Lifecycle(List<String> promoted, Map<String, String> rejected, List<Event> events) {

    static final int MAX_EVENTS = 50;
    static final int MAX_PROMOTED = 100;

    public Lifecycle {
        promoted = List.copyOf(promoted == null ? List.of() : promoted);
        rejected = Collections.unmodifiableMap(new TreeMap<>(rejected == null ? Map.of() : rejected));
        events = List.copyOf(events == null ? List.of() : events);
    }

    static final Lifecycle EMPTY = new Lifecycle(List.of(), Map.of(), List.of());

    /**
     * One change of the store.
     *
     * @param at when
     * @param action promote, rollback, reject or delete
     * @param version the version it concerns
     * @param detail why, or by whom
     */
    public record Event(Instant at, String action, String version, String detail) {

        /** A change made now. */
        static Event now(String action, String version, String detail) {
            return new Event(Instant.now(), action, version, detail);
        }
    }

    /** The version a roll-back from {@code current} goes to: the newest earlier promoted one that still exists. */
    public Optional<String> rollbackTarget(String current, Collection<String> existing) {
        for (int i = promoted.size() - 1; i >= 0; i--) {
            String version = promoted.get(i);
            if (!version.equals(current) && existing.contains(version)) {
                return Optional.of(version);
            }
        }
        return Optional.empty();
    }

    /**
     * The versions that may serve when {@code current} cannot: those that were in service before, most recently
     * promoted first, that still exist and were not rejected.
     */
    public List<String> fallbacks(String current, Collection<String> existing) {
        Set<String> order = new LinkedHashSet<>();
        for (int i = promoted.size() - 1; i >= 0; i--) {
            String version = promoted.get(i);
            if (!version.equals(current) && existing.contains(version) && !rejected.containsKey(version)) {
                order.add(version);
            }
        }
        return List.copyOf(order);
    }

    Lifecycle promote(String version, Event event) {
        List<String> stack = new ArrayList<>(promoted);
        if (stack.isEmpty() || !stack.get(stack.size() - 1).equals(version)) {
            stack.add(version);
        }
        while (stack.size() > MAX_PROMOTED) {
            stack.remove(0);
        }
        Map<String, String> stillRejected = new TreeMap<>(rejected);
        stillRejected.remove(version);
        return new Lifecycle(stack, stillRejected, with(event));
    }

    /** Drops every entry above {@code target}'s last one, so that it is on top. */
    Lifecycle rollBackTo(String target, Event event) {
        int top = promoted.lastIndexOf(target);
        return new Lifecycle(promoted.subList(0, top + 1), rejected, with(event));
    }

    Lifecycle reject(String version, String reason, Event event) {
        Map<String, String> more = new TreeMap<>(rejected);
        more.put(version, reason);
        return new Lifecycle(promoted, more, with(event));
    }

    Lifecycle forget(String version, Event event) {
        Map<String, String> fewer = new TreeMap<>(rejected);
        fewer.remove(version);
        return new Lifecycle(promoted.stream().filter(v -> !v.equals(version)).toList(), fewer, with(event));
    }

    /** The same history with one more change that concerns no version (an erasure). */
    Lifecycle note(Event event) {
        return new Lifecycle(promoted, rejected, with(event));
    }

    private List<Event> with(Event event) {
        List<Event> more = new ArrayList<>(events);
        more.add(event);
        return more.subList(Math.max(0, more.size() - MAX_EVENTS), more.size());
    }
}

package dev.visage.identify;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of request memory in flight: upload buffers as they fill and the pixels of images being decoded. A request
 * takes a {@link Permit} for what it is about to allocate and gives it back when done; when the budget is spent the
 * request is refused at once with {@link ServiceBusyException} (503 and Retry-After), never queued, so memory stays
 * bounded whatever the number of clients. A single request larger than the whole budget is admitted only while
 * nothing else is in flight, so it can still be served on an idle service.
 *
 * <pre>{@code
 * try (MemoryBudget.Permit permit = budget.acquire(bytes)) {
 *     ... allocate and use up to bytes ...
 * }
 * }</pre>
 */
public final class MemoryBudget {

    private final String name;
    private final long capacity;
    private final AtomicLong inUse = new AtomicLong();

    /** A budget without a practical limit. */
    public MemoryBudget(long capacity) {
        this("memory", capacity);
    }

    /**
     * @param name what the bytes are for, as the refusal names it ("uploads", "decoding")
     * @param capacity bytes that may be in flight at once
     */
    public MemoryBudget(String name, long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1 byte, not " + capacity);
        }
        this.name = name;
        this.capacity = capacity;
    }

    /** The budget's size in bytes. */
    public long capacity() {
        return capacity;
    }

    /** Bytes held by permits now. */
    public long inUse() {
        return inUse.get();
    }

    /**
     * Takes {@code bytes} from the budget.
     *
     * @throws ServiceBusyException when they are not available now
     */
    public Permit acquire(long bytes) {
        Permit permit = new Permit();
        permit.grow(bytes);
        return permit;
    }

    private void take(long bytes) {
        // More than the whole budget: admitted as the whole budget, and only when nothing else holds any.
        long charge = Math.min(bytes, capacity);
        while (true) {
            long used = inUse.get();
            if (used + charge > capacity) {
                throw new ServiceBusyException("The memory for " + name + " is in use by other requests ("
                        + (used >> 20) + " of " + (capacity >> 20) + " MiB); try again shortly");
            }
            if (inUse.compareAndSet(used, used + charge)) {
                return;
            }
        }
    }

    /** Bytes taken from the budget; closing gives them back (once, however often it is closed). */
    public final class Permit implements AutoCloseable {

        private long held;
        private long charged;
        private boolean closed;

        private Permit() {}

        /** Bytes this permit holds. */
        public synchronized long bytes() {
            return held;
        }

        /**
         * Takes {@code more} bytes on top of those held, as a buffer grows.
         *
         * @throws ServiceBusyException when they are not available; the permit keeps what it held
         */
        public synchronized void grow(long more) {
            if (more < 0) {
                throw new IllegalArgumentException("cannot grow by " + more + " bytes");
            }
            if (closed) {
                throw new IllegalStateException("permit already closed");
            }
            long newCharge = Math.min(held + more, capacity);
            take(newCharge - charged);
            charged = newCharge;
            held += more;
        }

        /** Gives back {@code fewer} of the bytes held, as a buffer is replaced by a smaller one. */
        public synchronized void shrink(long fewer) {
            if (closed || fewer <= 0) {
                return;
            }
            held = Math.max(0, held - fewer);
            long newCharge = Math.min(held, capacity);
            inUse.addAndGet(newCharge - charged);
            charged = newCharge;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                inUse.addAndGet(-charged);
                charged = 0;
                held = 0;
            }
        }
    }
}

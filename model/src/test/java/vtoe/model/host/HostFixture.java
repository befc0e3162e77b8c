package vtoe.model.host;

import vtoe.model.sim.EventKernel;

/** A small host for the tests: fixed storage latencies (read 100, write 50 cycles) unless given. */
final class HostFixture {
    static final int PAGE = 4096;
    static final long POOL = 0x10000;
    static final long READ_LATENCY = 100;
    static final long WRITE_LATENCY = 50;

    final EventKernel kernel = new EventKernel();
    final PhysicalMemory mem;
    final DataStorage storage = new DataStorage();
    final StorageController sc;
    final VirtualMemory vm;

    HostFixture(int frames) {
        this(frames, 1);
    }

    HostFixture(int frames, int channels) {
        this(frames, channels, READ_LATENCY, WRITE_LATENCY);
    }

    HostFixture(int frames, int channels, long readLatency, long writeLatency) {
        mem = PhysicalMemory.allocate((int) POOL + frames * PAGE);
        sc = new StorageController(kernel, storage, () -> readLatency, () -> writeLatency, channels);
        vm = new VirtualMemory(mem, POOL, frames, kernel, sc);
    }

    long framePa(int frame) {
        return POOL + (long) frame * PAGE;
    }

    static byte[] pattern(int seed, int len) {
        byte[] b = new byte[len];
        java.util.Random r = new java.util.Random(seed);
        r.nextBytes(b);
        return b;
    }
}

package dev.visage.system;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A program for {@link NativeAllocatorTest}: prints what it runs with, holds a listening port open, relaunches
 * with the allocator settings, and in the relaunched process checks that the port was released.
 */
public final class RelaunchProbe {

    private RelaunchProbe() {}

    public static void main(String[] args) throws IOException {
        Path portFile = Path.of(args[0]);
        System.out.printf(
                "pid=%d argument=%s arena=%s trim=%s%n",
                ProcessHandle.current().pid(),
                args[1],
                System.getenv("MALLOC_ARENA_MAX"),
                System.getenv("MALLOC_TRIM_THRESHOLD_"));
        System.out.flush();
        if (Files.exists(portFile)) {
            try (ServerSocket again = new ServerSocket(Integer.parseInt(Files.readString(portFile)))) {
                System.out.println("port free again");
            }
        } else {
            ServerSocket held = new ServerSocket(0);
            Files.writeString(portFile, String.valueOf(held.getLocalPort()));
        }
        NativeAllocator.relaunchWithSettings();
        System.out.println("running");
    }
}

package io.secureconnect.gateway.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real curl, as a build would run it. */
public final class Curl {

    /**
     * @param httpCode the origin's (or the proxy's, for absolute-URI requests) status
     * @param connectCode the proxy's answer to CONNECT ("000" when curl sent none)
     */
    public record Result(int exit, String httpCode, String connectCode, byte[] body, String stderr) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private Curl() {
    }

    public static Result run(String... args) {
        try {
            Path body = Files.createTempFile("curl", ".body");
            Path err = Files.createTempFile("curl", ".err");
            List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "-o", body.toString(),
                    "-w", "%{http_code} %{http_connect}"));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("curl did not finish: " + command);
            }
            String[] codes = out.split(" ");
            Result result = new Result(process.exitValue(), codes[0], codes.length > 1 ? codes[1] : "",
                    Files.readAllBytes(body), Files.readString(err));
            Files.deleteIfExists(body);
            Files.deleteIfExists(err);
            return result;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

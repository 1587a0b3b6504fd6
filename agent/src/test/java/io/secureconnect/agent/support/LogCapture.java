package io.secureconnect.agent.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Records every log line of the process (all levels, formatted), to prove what the agent logs and never logs. */
public final class LogCapture extends Handler implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger root = Logger.getLogger("");
    private final Level previous;
    private volatile int from;

    private LogCapture() {
        previous = root.getLevel();
        setLevel(Level.ALL);
        root.addHandler(this);
        Logger.getLogger("io.secureconnect").setLevel(Level.ALL);
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    @Override
    public void publish(LogRecord record) {
        String message = record.getMessage();
        Object[] parameters = record.getParameters();
        if (record instanceof org.jboss.logmanager.ExtLogRecord ext) {
            message = ext.getFormattedMessage();
        } else if (parameters != null && parameters.length > 0) {
            try {
                message = message.contains("%") ? String.format(message, parameters)
                        : java.text.MessageFormat.format(message, parameters);
            } catch (RuntimeException e) {
                message = message + " " + java.util.Arrays.toString(parameters);
            }
        }
        lines.add(record.getLevel() + " " + record.getLoggerName() + " " + message
                + (record.getThrown() == null ? "" : " " + record.getThrown()));
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** From now on, {@link #await} looks only at lines logged after this call ({@link #lines} keeps all). */
    public void mark() {
        from = lines.size();
    }

    /** Waits up to the timeout for a line (logged since {@link #mark}) containing the text; returns it. */
    public String await(String text, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            for (String line : lines.subList(from, lines.size())) {
                if (line.contains(text)) {
                    return line;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no log line containing '" + text + "' within " + timeoutMillis + " ms; got:\n"
                + String.join("\n", lines));
    }

    public long count(String text) {
        return lines.stream().filter(line -> line.contains(text)).count();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        root.removeHandler(this);
        root.setLevel(previous);
    }
}

package io.secureconnect.gateway.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Takes a log category's records off the console for a while (a fuzz run would print one line per refusal, a
 * hundred thousand of them) and checks each for secrets instead: {@link #leaks()} lists every line that held one.
 */
public final class CapturedLogs implements AutoCloseable {

    private final Logger logger;
    private final boolean parentHandlers;
    private final List<String> secrets;
    private final List<String> leaks = new CopyOnWriteArrayList<>();
    private final AtomicLong lines = new AtomicLong();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String line = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
            lines.incrementAndGet();
            for (String secret : secrets) {
                if (line != null && line.contains(secret)) {
                    leaks.add(line);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    public CapturedLogs(String category, List<String> secrets) {
        this.logger = Logger.getLogger(category);
        this.parentHandlers = logger.getUseParentHandlers();
        this.secrets = List.copyOf(secrets);
        logger.addHandler(handler);
        logger.setUseParentHandlers(false);
    }

    public long lines() {
        return lines.get();
    }

    public List<String> leaks() {
        return leaks;
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setUseParentHandlers(parentHandlers);
    }
}

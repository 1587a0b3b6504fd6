package io.secureconnect.gateway.support;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The agent's half of one proxied connection on a reusable data connection, with blocking sockets: frames (4-byte
 * length, bytes) both ways, END (length 0) when the destination closes, the destination closed on the gateway's END.
 * Returns once END went both ways.
 */
final class FramedRelay {

    private FramedRelay() {
    }

    static void relay(Socket destination, Socket data, ExecutorService threads)
            throws IOException, InterruptedException, java.util.concurrent.ExecutionException {
        DataInputStream fromGateway = new DataInputStream(data.getInputStream());
        DataOutputStream toGateway = new DataOutputStream(data.getOutputStream());
        Future<?> up = threads.submit(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = destination.getInputStream();
                int n;
                while ((n = in.read(buffer)) > 0) {
                    toGateway.writeInt(n);
                    toGateway.write(buffer, 0, n);
                    toGateway.flush();
                }
            } catch (IOException e) {
                // closed by the gateway's END
            }
            try {
                toGateway.writeInt(0);
                toGateway.flush();
            } catch (IOException e) {
                // the data connection is gone
            }
        });
        OutputStream toDestination = destination.getOutputStream();
        try {
            int length;
            while ((length = fromGateway.readInt()) > 0) {
                toDestination.write(fromGateway.readNBytes(length));
                toDestination.flush();
            }
        } finally {
            destination.close();
        }
        up.get();
    }
}

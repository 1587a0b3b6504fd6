package io.secureconnect.registry.lease;

import static io.secureconnect.registry.db.Jdbc.seconds;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a batch of releases and acquisitions as one {@code lease_batch} statement ({@code R__lease_functions.sql}):
 * one round trip, one transaction, one WAL flush for all of them. Each request gets its own answer; the statement
 * either commits every answer or, when it fails, none.
 */
final class LeaseBatchStore {

    private static final String SQL = "SELECT b.req, (b.answer).* FROM lease_batch(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " ?, ?, ?, ?) b";

    private final LeaseStore store;
    private final int first;
    private final int last;

    LeaseBatchStore(LeaseStore store, int first, int last) {
        this.store = store;
        this.first = first;
        this.last = last;
    }

    /**
     * The answer of each request, in the order of {@code batch}. Throws when the statement failed, and then nothing
     * was written.
     */
    List<BatchAnswer> run(Connection c, List<LeaseRequest> batch) throws SQLException {
        List<Integer> releases = new ArrayList<>();
        List<Integer> acquires = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            (batch.get(i) instanceof LeaseRequest.Release ? releases : acquires).add(i);
        }
        String[] rAccounts = new String[releases.size()];
        Integer[] rPorts = new Integer[releases.size()];
        Long[] rEpochs = new Long[releases.size()];
        String[] rGateways = new String[releases.size()];
        for (int k = 0; k < releases.size(); k++) {
            ReleaseCommand r = ((LeaseRequest.Release) batch.get(releases.get(k))).command();
            rAccounts[k] = r.accountId();
            rPorts[k] = r.port();
            rEpochs[k] = r.epoch();
            rGateways[k] = r.gatewayId();
        }
        int n = acquires.size();
        String[] accounts = new String[n];
        Integer[] ports = new Integer[n];
        String[] keys = new String[n];
        String[] gateways = new String[n];
        String[] agents = new String[n];
        String[] hosts = new String[n];
        String[] versions = new String[n];
        for (int k = 0; k < n; k++) {
            AcquireCommand a = ((LeaseRequest.Acquire) batch.get(acquires.get(k))).command();
            accounts[k] = a.accountId();
            ports[k] = a.port();
            keys[k] = a.apiKeyId();
            gateways[k] = a.gatewayId();
            agents[k] = a.agentId();
            hosts[k] = a.agentHost();
            versions[k] = a.agentVersion();
        }
        BatchAnswer[] answers = new BatchAnswer[batch.size()];
        try (PreparedStatement s = c.prepareStatement(SQL)) {
            int i = 0;
            s.setArray(++i, c.createArrayOf("varchar", rAccounts));
            s.setArray(++i, c.createArrayOf("int4", rPorts));
            s.setArray(++i, c.createArrayOf("int8", rEpochs));
            s.setArray(++i, c.createArrayOf("varchar", rGateways));
            s.setArray(++i, c.createArrayOf("varchar", accounts));
            s.setArray(++i, c.createArrayOf("int4", ports));
            s.setArray(++i, c.createArrayOf("varchar", keys));
            s.setArray(++i, c.createArrayOf("varchar", gateways));
            s.setArray(++i, c.createArrayOf("varchar", agents));
            s.setArray(++i, c.createArrayOf("varchar", hosts));
            s.setArray(++i, c.createArrayOf("varchar", versions));
            s.setDouble(++i, seconds(store.ttl()));
            s.setDouble(++i, seconds(store.grace()));
            s.setInt(++i, first);
            s.setInt(++i, last);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    int req = rs.getInt("req");
                    if (req <= releases.size()) {
                        int index = releases.get(req - 1);
                        answers[index] = release(rs, (LeaseRequest.Release) batch.get(index));
                    } else {
                        int index = acquires.get(req - releases.size() - 1);
                        answers[index] = acquisition(rs, (LeaseRequest.Acquire) batch.get(index));
                    }
                }
            }
        }
        for (int i = 0; i < answers.length; i++) {
            if (answers[i] == null) {
                throw new IllegalStateException("lease_batch gave no answer to request " + (i + 1) + " of "
                        + answers.length);
            }
        }
        return Arrays.asList(answers);
    }

    private static BatchAnswer release(ResultSet rs, LeaseRequest.Release request) throws SQLException {
        return "RELEASED".equals(rs.getString("outcome")) ? new BatchAnswer.Released(request)
                : new BatchAnswer.NotLive(request);
    }

    private BatchAnswer acquisition(ResultSet rs, LeaseRequest.Acquire request) throws SQLException {
        if ("BUSY".equals(rs.getString("outcome"))) {
            return new BatchAnswer.Busy(request);
        }
        try {
            return new BatchAnswer.Granted(request, store.answer(rs, request.command(), first, last));
        } catch (LeaseFailure refused) {
            return new BatchAnswer.Refused(request, refused);
        }
    }
}

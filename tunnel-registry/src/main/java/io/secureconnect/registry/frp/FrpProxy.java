package io.secureconnect.registry.frp;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/** An frp proxy of a login (run_id) and the lease it holds: CloseProxy and Ping name only the proxy or login. */
@Entity
@Table(name = "frp_proxy")
@IdClass(FrpProxy.Key.class)
public class FrpProxy extends PanacheEntityBase {

    @Id
    @Column(name = "run_id")
    public String runId;

    @Id
    @Column(name = "proxy_name")
    public String proxyName;

    @Column(name = "account_id", nullable = false)
    public String accountId;

    @Column(nullable = false)
    public int port;

    @Column(nullable = false)
    public long epoch;

    static FrpProxy find(String runId, String proxyName) {
        return findById(new Key(runId, proxyName));
    }

    static List<FrpProxy> ofLogin(String runId) {
        return list("runId", runId);
    }

    /** The primary key (run_id, proxy_name). */
    public static class Key implements Serializable {

        public String runId;
        public String proxyName;

        public Key() {
        }

        Key(String runId, String proxyName) {
            this.runId = runId;
            this.proxyName = proxyName;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && runId.equals(key.runId) && proxyName.equals(key.proxyName);
        }

        @Override
        public int hashCode() {
            return Objects.hash(runId, proxyName);
        }
    }
}

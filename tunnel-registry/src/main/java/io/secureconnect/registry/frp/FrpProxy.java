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

/**
 * An frp proxy of a login (frps instance, run_id) and the lease it holds; CloseProxy and NewUserConn name only the
 * proxy. At most one per port of an frps (frps binds every remote port on its own host).
 */
@Entity
@Table(name = "frp_proxy")
@IdClass(FrpProxy.Key.class)
public class FrpProxy extends PanacheEntityBase {

    @Id
    @Column(name = "frps_id")
    public String frpsId;

    @Id
    @Column(name = "run_id")
    public String runId;

    @Id
    @Column(name = "proxy_name")
    public String proxyName;

    @Column(name = "account_id", nullable = false)
    public String accountId;

    @Column(name = "api_key_id", nullable = false)
    public String apiKeyId;

    @Column(nullable = false)
    public int port;

    @Column(nullable = false)
    public long epoch;

    static FrpProxy find(String frpsId, String runId, String proxyName) {
        return findById(new Key(frpsId, runId, proxyName));
    }

    static List<FrpProxy> ofLogin(String frpsId, String runId) {
        return list("frpsId = ?1 and runId = ?2", frpsId, runId);
    }

    static FrpProxy onPort(String frpsId, int port) {
        return find("frpsId = ?1 and port = ?2", frpsId, port).firstResult();
    }

    /** The primary key (frps_id, run_id, proxy_name). */
    public static class Key implements Serializable {

        public String frpsId;
        public String runId;
        public String proxyName;

        public Key() {
        }

        Key(String frpsId, String runId, String proxyName) {
            this.frpsId = frpsId;
            this.runId = runId;
            this.proxyName = proxyName;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && frpsId.equals(key.frpsId) && runId.equals(key.runId)
                    && proxyName.equals(key.proxyName);
        }

        @Override
        public int hashCode() {
            return Objects.hash(frpsId, runId, proxyName);
        }
    }
}

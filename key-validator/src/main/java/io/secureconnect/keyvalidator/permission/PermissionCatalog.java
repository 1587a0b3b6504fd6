package io.secureconnect.keyvalidator.permission;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The closed list of permissions (seeded by migration, never changed at run time), read once. */
@ApplicationScoped
public class PermissionCatalog {

    @Inject
    AgroalDataSource dataSource;

    private volatile Map<String, String> resourceTypeByPermission;

    /** Read at start-up, so that no ValidateToken on the event loop is the one that reads it. */
    void start(@Observes StartupEvent event) {
        permissions();
    }

    public boolean isKnown(String permission) {
        return permissions().containsKey(permission);
    }

    /** The resource type a permission applies to, e.g. PIPELINE for core_pipeline_view. */
    public String resourceTypeOf(String permission) {
        return permissions().get(permission);
    }

    public Set<String> all() {
        return permissions().keySet();
    }

    /**
     * How an unknown permission from a request may be echoed in an error: itself when it looks like a permission
     * identifier, otherwise a placeholder (callers do paste tokens into the wrong field; errors never echo them).
     */
    public static String shown(String permission) {
        return permission != null && permission.matches("^[a-z][a-z0-9_]{2,63}$") ? permission : "<not an identifier>";
    }

    public boolean isResourceType(String type) {
        return permissions().containsValue(type);
    }

    public Set<String> resourceTypes() {
        return new TreeSet<>(permissions().values());
    }

    private Map<String, String> permissions() {
        Map<String, String> loaded = resourceTypeByPermission;
        if (loaded == null) {
            loaded = load();
            resourceTypeByPermission = loaded;
        }
        return loaded;
    }

    private Map<String, String> load() {
        Map<String, String> permissions = new TreeMap<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT identifier, resource_type FROM permission")) {
            while (result.next()) {
                permissions.put(result.getString(1), result.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the permission list: " + e.getMessage(), e);
        }
        return Map.copyOf(permissions);
    }
}

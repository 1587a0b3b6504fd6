package io.secureconnect.e2e.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The part of {@code kubectl kustomize} that deploy/kubernetes uses, so that the build renders the manifests without a
 * kustomize binary: {@code resources} (files and directories with a kustomization.yaml), {@code namespace},
 * {@code labels} (metadata only), {@code images}, {@code replicas} and {@code patches} given as strategic-merge
 * files (lists of named items merge by name; other lists are replaced). Any other field of a kustomization is an
 * error, so the renderer never silently differs from kustomize; a patch whose target does not exist is one too.
 */
public final class Kustomize {

    static final YAMLMapper YAML = new YAMLMapper();
    static final Set<String> FIELDS = Set.of("apiVersion", "kind", "namespace", "labels", "resources", "images", "replicas", "patches");
    /** Kinds without a namespace. */
    static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");

    private Kustomize() {
    }

    /** The objects the kustomization in {@code directory} renders, in resource order. */
    public static List<ObjectNode> render(Path directory) {
        ObjectNode kustomization = (ObjectNode) readAll(directory.resolve("kustomization.yaml")).get(0);
        kustomization.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException(directory + ": kustomization field `" + field + "` is not supported here");
            }
        });
        List<ObjectNode> objects = new ArrayList<>();
        for (JsonNode resource : kustomization.path("resources")) {
            Path path = directory.resolve(resource.asText()).normalize();
            objects.addAll(Files.isDirectory(path) ? render(path) : readAll(path));
        }
        for (JsonNode patch : kustomization.path("patches")) {
            if (!patch.has("path") || patch.size() != 1) {
                throw new IllegalArgumentException(directory + ": only `patches: - path: <file>` is supported: " + patch);
            }
            for (ObjectNode change : readAll(directory.resolve(patch.get("path").asText()))) {
                ObjectNode target = find(objects, change.path("kind").asText(), change.path("metadata").path("name").asText())
                        .orElseThrow(() -> new IllegalArgumentException(directory + ": patch " + patch.get("path").asText()
                                + " targets " + change.path("kind").asText() + "/" + change.path("metadata").path("name").asText()
                                + ", which the resources do not define"));
                merge(target, change);
            }
        }
        for (JsonNode replicas : kustomization.path("replicas")) {
            ObjectNode target = objects.stream()
                    .filter(o -> o.path("metadata").path("name").asText().equals(replicas.path("name").asText()) && o.path("spec").has("replicas"))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException(directory + ": replicas for unknown " + replicas));
            ((ObjectNode) target.get("spec")).put("replicas", replicas.path("count").asInt());
        }
        for (JsonNode image : kustomization.path("images")) {
            int replaced = setImages(objects, image);
            if (replaced == 0) {
                throw new IllegalArgumentException(directory + ": no container uses image " + image.path("name").asText());
            }
        }
        if (kustomization.has("namespace")) {
            String namespace = kustomization.get("namespace").asText();
            objects.stream().filter(o -> !CLUSTER_SCOPED.contains(o.path("kind").asText()))
                    .forEach(o -> ((ObjectNode) o.get("metadata")).put("namespace", namespace));
        }
        for (JsonNode label : kustomization.path("labels")) {
            label.path("pairs").fields().forEachRemaining(pair -> objects.forEach(o ->
                    ((ObjectNode) o.get("metadata")).withObjectProperty("labels").set(pair.getKey(), pair.getValue())));
        }
        return objects;
    }

    public static List<ObjectNode> readAll(Path file) {
        try {
            List<ObjectNode> documents = new ArrayList<>();
            try (var values = YAML.readValues(YAML.getFactory().createParser(file.toFile()), JsonNode.class)) {
                while (values.hasNext()) {
                    JsonNode document = values.next();
                    if (document != null && !document.isNull() && !document.isMissingNode()) {
                        documents.add((ObjectNode) document);
                    }
                }
            }
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static java.util.Optional<ObjectNode> find(List<ObjectNode> objects, String kind, String name) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind) && o.path("metadata").path("name").asText().equals(name))
                .findFirst();
    }

    /** Strategic merge as kustomize does it for the fields our patches touch. */
    static void merge(ObjectNode target, JsonNode patch) {
        patch.fields().forEachRemaining(field -> {
            JsonNode existing = target.get(field.getKey());
            JsonNode change = field.getValue();
            if (existing instanceof ObjectNode object && change.isObject()) {
                merge(object, change);
            } else if (existing instanceof ArrayNode list && change.isArray() && namedItems(list) && namedItems(change)) {
                for (JsonNode item : change) {
                    ObjectNode same = null;
                    for (JsonNode old : list) {
                        if (old.get("name").equals(item.get("name"))) {
                            same = (ObjectNode) old;
                        }
                    }
                    if (same == null) {
                        list.add(item.deepCopy());
                    } else {
                        merge(same, item);
                    }
                }
            } else {
                target.set(field.getKey(), change.deepCopy());
            }
        });
    }

    static boolean namedItems(JsonNode list) {
        if (list.isEmpty()) {
            return false;
        }
        for (JsonNode item : list) {
            if (!item.isObject() || !item.has("name")) {
                return false;
            }
        }
        return true;
    }

    static int setImages(List<ObjectNode> objects, JsonNode image) {
        String name = image.path("name").asText();
        int replaced = 0;
        for (ObjectNode object : objects) {
            for (JsonNode container : object.path("spec").path("template").path("spec").path("containers")) {
                String current = container.path("image").asText();
                int colon = current.lastIndexOf(':');
                String repository = colon > current.lastIndexOf('/') ? current.substring(0, colon) : current;
                if (repository.equals(name)) {
                    String tag = image.has("newTag") ? image.get("newTag").asText() : (colon > 0 ? current.substring(colon + 1) : "latest");
                    ((ObjectNode) container).set("image", TextNode.valueOf(image.path("newName").asText(name) + ":" + tag));
                    replaced++;
                }
            }
        }
        return replaced;
    }
}

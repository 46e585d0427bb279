package io.portrait.launcher.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The repository as the Kubernetes checks see it: the services (modules with an {@code application.properties}),
 * their configuration, and {@code deploy/k8s} rendered with {@code kubectl kustomize}.
 */
final class Manifests {

    static final YAMLMapper YAML = new YAMLMapper();

    private Manifests() {
    }

    /** The repository root: surefire runs in the deploy module's directory. */
    static Path root() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
    }

    static Path k8s() {
        return root().resolve("deploy/k8s");
    }

    /** Every Quarkus service of the reactor, by module name. */
    static List<String> services() throws IOException {
        return services(root());
    }

    static List<String> services(Path root) throws IOException {
        try (Stream<Path> modules = Files.list(root)) {
            return modules.filter(dir -> Files.isRegularFile(dir.resolve("src/main/resources/application.properties")))
                    .filter(dir -> Files.isRegularFile(dir.resolve("pom.xml")))
                    .map(dir -> dir.getFileName().toString())
                    .sorted()
                    .toList();
        }
    }

    /** A service's configuration in the production profile (no {@code %dev} / {@code %test} keys). */
    static Properties configuration(String service) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(
                root().resolve(service).resolve("src/main/resources/application.properties"), StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        properties.stringPropertyNames().stream().filter(key -> key.startsWith("%")).forEach(properties::remove);
        return properties;
    }

    /** The gRPC clients a service configures, by client name: host and port. */
    static Map<String, GrpcClient> grpcClients(String service) throws IOException {
        Properties properties = configuration(service);
        Map<String, GrpcClient> clients = new TreeMap<>();
        String prefix = "quarkus.grpc.clients.";
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(prefix) && key.endsWith(".host")) {
                String name = key.substring(prefix.length(), key.length() - ".host".length());
                String port = properties.getProperty(prefix + name + ".port", "9000");
                clients.put(name, new GrpcClient(service, name, properties.getProperty(key), Integer.parseInt(port)));
            }
        }
        return clients;
    }

    record GrpcClient(String caller, String name, String host, int port) {
    }

    /** The overlays under {@code deploy/k8s/overlays}, by directory name. */
    static List<String> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(k8s().resolve("overlays"))) {
            return dirs.filter(dir -> Files.isRegularFile(dir.resolve("kustomization.yaml")))
                    .map(dir -> dir.getFileName().toString())
                    .sorted()
                    .toList();
        }
    }

    /** The kubectl the checks run: {@code $KUBECTL}, else the one on the PATH. */
    static Optional<String> kubectl() {
        String configured = System.getenv("KUBECTL");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(configured);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "kubectl");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }

    /** {@code kubectl kustomize <dir>}, parsed into its resources; fails with kubectl's own words. */
    static List<JsonNode> render(String kubectl, Path kustomization) throws IOException, InterruptedException {
        Path errors = Files.createTempFile("kustomize", ".err");
        try {
            Process process = new ProcessBuilder(kubectl, "kustomize", kustomization.toString())
                    .redirectError(errors.toFile())
                    .start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("kubectl kustomize " + kustomization + " did not finish");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + kustomization + " failed: " + Files.readString(errors));
            }
            return parse(new String(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    /** The resources of a multi-document YAML stream, empty documents left out. */
    static List<JsonNode> parse(String yaml) throws IOException {
        List<JsonNode> resources = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && document.isObject() && !document.isEmpty()) {
                    resources.add(document);
                }
            }
        }
        return resources;
    }

    static List<JsonNode> ofKind(List<JsonNode> resources, String kind) {
        return resources.stream().filter(resource -> kind.equals(resource.path("kind").asText())).toList();
    }

    static String name(JsonNode resource) {
        return resource.path("metadata").path("name").asText();
    }
}

package io.portrait.launcher.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.portrait.launcher.k8s.Manifests.GrpcClient;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every overlay under {@code deploy/k8s/overlays}, rendered with {@code kubectl kustomize}, is a deployment a
 * platform team can run: every workload probed, bounded and locked down; every gRPC client pointing at a Service
 * that exists; no secret value in the tree. Needs {@code kubectl} (CI installs it: {@code .ci/run}); a developer
 * machine without one skips these checks, CI never does.
 */
class KubernetesOverlaysTest {

    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|_KEY|APIKEY).*");
    private static final Pattern CREDENTIALS_IN_URL = Pattern.compile("://[^/@\\s:]+:[^/@\\s]+@");
    private static final Map<String, List<JsonNode>> RENDERED = new HashMap<>();

    static List<String> overlays() throws IOException {
        return Manifests.overlays();
    }

    private static synchronized List<JsonNode> rendered(String overlay) throws Exception {
        if (!RENDERED.containsKey(overlay)) {
            var kubectl = Manifests.kubectl();
            if (kubectl.isEmpty()) {
                assertThat(System.getenv("CI")).as("kubectl is required in CI (.ci/run installs it)").isNotEqualTo("true");
                Assumptions.abort("kubectl is not installed: the overlay checks run in CI (.ci/run installs it)");
            }
            RENDERED.put(overlay, Manifests.render(kubectl.get(), Manifests.k8s().resolve("overlays").resolve(overlay)));
        }
        return RENDERED.get(overlay);
    }

    private static List<JsonNode> workloads(List<JsonNode> resources) {
        List<JsonNode> workloads = new ArrayList<>(Manifests.ofKind(resources, "Deployment"));
        workloads.addAll(Manifests.ofKind(resources, "StatefulSet"));
        return workloads;
    }

    @Test
    void thereAreTheLocalAndTheProductionOverlays() throws IOException {
        assertThat(Manifests.overlays()).contains("local", "prod");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceIsDeployed(String overlay) throws Exception {
        List<String> deployments = Manifests.ofKind(rendered(overlay), "Deployment").stream().map(Manifests::name).toList();
        assertThat(deployments).containsExactlyInAnyOrderElementsOf(Manifests.services());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyWorkloadIsProbedBoundedAndLockedDown(String overlay) throws Exception {
        List<JsonNode> workloads = workloads(rendered(overlay));
        assertThat(workloads).isNotEmpty();
        for (JsonNode workload : workloads) {
            String where = overlay + " " + workload.path("kind").asText() + " " + Manifests.name(workload);
            JsonNode pod = workload.path("spec").path("template").path("spec");
            JsonNode containers = pod.path("containers");
            assertThat(containers.size()).as(where + ": containers").isPositive();
            for (JsonNode container : containers) {
                String at = where + " container " + container.path("name").asText();
                assertThat(container.has("readinessProbe")).as(at + ": readiness probe").isTrue();
                assertThat(container.has("livenessProbe")).as(at + ": liveness probe").isTrue();
                for (String bound : List.of("requests", "limits")) {
                    JsonNode resources = container.path("resources").path(bound);
                    assertThat(resources.path("cpu").asText()).as(at + ": cpu " + bound).isNotBlank();
                    assertThat(resources.path("memory").asText()).as(at + ": memory " + bound).isNotBlank();
                }
                JsonNode security = container.path("securityContext");
                boolean nonRoot = security.path("runAsNonRoot").asBoolean(pod.path("securityContext").path("runAsNonRoot").asBoolean());
                assertThat(nonRoot).as(at + ": runAsNonRoot").isTrue();
                long user = security.path("runAsUser").asLong(pod.path("securityContext").path("runAsUser").asLong(-1));
                assertThat(user).as(at + ": runAsUser").isNotZero();
                assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as(at + ": read-only root filesystem").isTrue();
                assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as(at + ": privilege escalation").isFalse();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyGrpcClientNamesAServiceThatExists(String overlay) throws Exception {
        List<JsonNode> resources = rendered(overlay);
        List<GrpcClient> clients = grpcClients();
        assertThat(clients).isNotEmpty();
        for (GrpcClient client : clients) {
            String what = overlay + ": " + client.caller() + "'s gRPC client '" + client.name() + "' dials "
                    + client.host() + ":" + client.port();
            JsonNode service = resources.stream()
                    .filter(resource -> "Service".equals(resource.path("kind").asText()))
                    .filter(resource -> Manifests.name(resource).equals(client.host()))
                    .findFirst().orElse(null);
            assertThat(service).as(what + ", but there is no such Service").isNotNull();
            List<Integer> ports = new ArrayList<>();
            service.path("spec").path("ports").forEach(port -> ports.add(port.path("port").asInt()));
            assertThat(ports).as(what + ": ports of the Service").contains(client.port());
            JsonNode selector = service.path("spec").path("selector");
            boolean backed = Manifests.ofKind(resources, "Deployment").stream()
                    .anyMatch(deployment -> matches(selector, deployment.path("spec").path("template").path("metadata").path("labels")));
            assertThat(backed).as(what + ": a Deployment behind the Service").isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void noSecretValueIsInline(String overlay) throws Exception {
        List<JsonNode> resources = rendered(overlay);
        assertThat(Manifests.ofKind(resources, "Secret")).as(overlay + ": Secrets are created apart, never committed").isEmpty();
        for (JsonNode configMap : Manifests.ofKind(resources, "ConfigMap")) {
            configMap.path("data").fields().forEachRemaining(entry -> {
                String at = overlay + " ConfigMap " + Manifests.name(configMap) + " " + entry.getKey();
                assertThat(entry.getKey()).as(at).doesNotMatch(SECRET_NAME);
                assertThat(entry.getValue().asText()).as(at).doesNotContainPattern(CREDENTIALS_IN_URL);
            });
        }
        for (JsonNode workload : workloads(resources)) {
            for (JsonNode container : workload.path("spec").path("template").path("spec").path("containers")) {
                for (JsonNode env : container.path("env")) {
                    String at = overlay + " " + Manifests.name(workload) + " env " + env.path("name").asText();
                    if (env.path("name").asText().matches(SECRET_NAME.pattern())) {
                        assertThat(env.has("value")).as(at + " must come from a Secret").isFalse();
                    }
                    assertThat(env.path("value").asText()).as(at).doesNotContainPattern(CREDENTIALS_IN_URL);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceReadsAConfigMapAndASecretNamedAfterIt(String overlay) throws Exception {
        List<JsonNode> resources = rendered(overlay);
        List<String> configMaps = Manifests.ofKind(resources, "ConfigMap").stream().map(Manifests::name).toList();
        for (JsonNode deployment : Manifests.ofKind(resources, "Deployment")) {
            String service = Manifests.name(deployment);
            List<String> fromConfigMaps = new ArrayList<>();
            List<String> fromSecrets = new ArrayList<>();
            for (JsonNode source : deployment.path("spec").path("template").path("spec").path("containers").path(0).path("envFrom")) {
                if (source.has("configMapRef")) {
                    fromConfigMaps.add(source.path("configMapRef").path("name").asText());
                }
                if (source.has("secretRef")) {
                    fromSecrets.add(source.path("secretRef").path("name").asText());
                }
            }
            assertThat(fromSecrets).as(overlay + " " + service + ": Secret").containsExactly(service);
            assertThat(fromConfigMaps).as(overlay + " " + service + ": ConfigMap").hasSize(1);
            assertThat(fromConfigMaps.get(0)).as(overlay + " " + service + ": ConfigMap (generated, name + hash)")
                    .startsWith(service).isIn(configMaps);
        }
    }

    @Test
    void localStoresAreStatefulSetsOnVolumesThatTheServicesReach() throws Exception {
        List<JsonNode> resources = rendered("local");
        List<String> services = Manifests.ofKind(resources, "Service").stream().map(Manifests::name).toList();
        for (JsonNode store : Manifests.ofKind(resources, "StatefulSet")) {
            assertThat(store.path("spec").path("replicas").asInt()).as(Manifests.name(store)).isEqualTo(1);
            assertThat(store.path("spec").path("volumeClaimTemplates").size()).as(Manifests.name(store) + " volume").isPositive();
        }
        assertThat(Manifests.ofKind(resources, "StatefulSet").stream().map(Manifests::name).toList())
                .containsExactlyInAnyOrder("postgres", "mongodb");
        String initScript = Manifests.ofKind(resources, "ConfigMap").stream()
                .filter(configMap -> Manifests.name(configMap).startsWith("postgres-init"))
                .map(configMap -> configMap.path("data").toString())
                .findFirst().orElseThrow(() -> new AssertionError("no postgres-init ConfigMap"));
        int addresses = 0;
        for (JsonNode configMap : Manifests.ofKind(resources, "ConfigMap")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = configMap.path("data").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (entry.getKey().endsWith("_URL") || entry.getKey().endsWith("CONNECTION_STRING")) {
                    URI address = URI.create(entry.getValue().asText().replaceFirst("^jdbc:", ""));
                    String at = "local " + Manifests.name(configMap) + " " + entry.getKey();
                    assertThat(services).as(at).contains(address.getHost());
                    if ("postgresql".equals(address.getScheme())) {
                        assertThat(initScript).as(at + ": database created at first start")
                                .contains("CREATE DATABASE " + address.getPath().substring(1) + " ");
                    }
                    addresses++;
                }
            }
        }
        assertThat(addresses).as("store addresses in the local ConfigMaps").isPositive();
    }

    @Test
    void productionScalesEveryServiceAndAdmitsOnlyGatewayIngressAndServiceCalls() throws Exception {
        List<JsonNode> resources = rendered("prod");
        List<JsonNode> policies = Manifests.ofKind(resources, "NetworkPolicy");
        for (JsonNode deployment : Manifests.ofKind(resources, "Deployment")) {
            String service = Manifests.name(deployment);
            JsonNode labels = deployment.path("spec").path("template").path("metadata").path("labels");
            assertThat(deployment.path("spec").has("replicas")).as(service + ": replicas belong to the autoscaler").isFalse();
            JsonNode autoscaler = Manifests.ofKind(resources, "HorizontalPodAutoscaler").stream()
                    .filter(hpa -> hpa.path("spec").path("scaleTargetRef").path("name").asText().equals(service))
                    .findFirst().orElse(null);
            assertThat(autoscaler).as(service + ": HorizontalPodAutoscaler").isNotNull();
            assertThat(autoscaler.path("spec").path("minReplicas").asInt()).as(service + ": minReplicas").isGreaterThanOrEqualTo(2);
            assertThat(Manifests.ofKind(resources, "PodDisruptionBudget").stream()
                    .anyMatch(pdb -> matches(pdb.path("spec").path("selector").path("matchLabels"), labels)))
                    .as(service + ": PodDisruptionBudget").isTrue();

            List<JsonNode> selecting = policies.stream()
                    .filter(policy -> matches(policy.path("spec").path("podSelector").path("matchLabels"), labels))
                    .toList();
            assertThat(selecting.stream().anyMatch(policy -> policy.path("spec").path("ingress").isMissingNode()
                    && policy.path("spec").path("policyTypes").toString().contains("Ingress")))
                    .as(service + ": denied by default").isTrue();
            boolean openToAll = selecting.stream().flatMap(policy -> stream(policy.path("spec").path("ingress")))
                    .anyMatch(rule -> !rule.has("from"));
            assertThat(openToAll).as(service + ": admits traffic from anywhere").isEqualTo(service.equals("gateway"));
        }
        for (GrpcClient client : grpcClients()) {
            JsonNode caller = deploymentLabels(resources, client.caller());
            JsonNode callee = deploymentLabels(resources, client.host());
            boolean admitted = policies.stream()
                    .filter(policy -> matches(policy.path("spec").path("podSelector").path("matchLabels"), callee))
                    .flatMap(policy -> stream(policy.path("spec").path("ingress")))
                    .filter(rule -> stream(rule.path("ports")).anyMatch(port -> port.path("port").asInt() == client.port()))
                    .anyMatch(rule -> !rule.has("from") || stream(rule.path("from"))
                            .anyMatch(peer -> peer.has("podSelector") && !peer.has("namespaceSelector")
                                    && matches(peer.path("podSelector").path("matchLabels"), caller)));
            assertThat(admitted).as("prod: a NetworkPolicy admits " + client.caller() + " -> " + client.host() + ":" + client.port()).isTrue();
        }
    }

    private static List<GrpcClient> grpcClients() throws IOException {
        List<GrpcClient> clients = new ArrayList<>();
        for (String service : Manifests.services()) {
            clients.addAll(Manifests.grpcClients(service).values());
        }
        return clients;
    }

    private static JsonNode deploymentLabels(List<JsonNode> resources, String name) {
        return Manifests.ofKind(resources, "Deployment").stream()
                .filter(deployment -> Manifests.name(deployment).equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment " + name))
                .path("spec").path("template").path("metadata").path("labels");
    }

    /** A label selector's matchLabels against a set of labels; an empty selector matches nothing here. */
    private static boolean matches(JsonNode matchLabels, JsonNode labels) {
        if (matchLabels.isEmpty()) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = matchLabels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> label = it.next();
            if (!label.getValue().asText().equals(labels.path(label.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items.stream();
    }
}

package io.portrait.launcher.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy/k8s/base} is what the services generate: the reactor has just packaged every service (this module
 * depends on them), so each {@code target/kubernetes/kubernetes.yml} is fresh, and the committed copy must equal its
 * canonical form ({@link BaseManifests}).
 * When a service's configuration changes, regenerate: {@code mvn -B -Pk8s-base -pl deploy -am package -DskipTests}.
 */
class KubernetesBaseTest {

    static List<String> services() throws IOException {
        return Manifests.services();
    }

    @ParameterizedTest
    @MethodSource("services")
    void committedBaseIsWhatTheServiceGenerates(String service) throws IOException {
        Path generated = Manifests.root().resolve(service).resolve("target/kubernetes/kubernetes.yml");
        Path committed = Manifests.k8s().resolve("base").resolve(service).resolve("kubernetes.yml");
        assertThat(generated)
                .as("%s was not packaged by this build; run the reactor with -am so the base can be compared", service)
                .isRegularFile();
        assertThat(committed).as("the committed base of %s", service).isRegularFile();
        assertThat(Files.readString(committed))
                .as("deploy/k8s/base/%s/kubernetes.yml differs from what %s generates; regenerate it with "
                        + "mvn -B -Pk8s-base -pl deploy -am package -DskipTests", service, service)
                .isEqualTo(BaseManifests.canonical(service, Files.readString(generated)));
    }

    @ParameterizedTest
    @MethodSource("services")
    void generatedManifestsCarryNoBuildSpecifics(String service) throws IOException {
        String yaml = Files.readString(Manifests.k8s().resolve("base").resolve(service).resolve("kubernetes.yml"));
        assertThat(yaml).as("reproducible output (quarkus.kubernetes.idempotent)")
                .doesNotContain("build-timestamp").doesNotContain("commit-id").doesNotContain("vcs-uri");
        for (JsonNode deployment : Manifests.ofKind(Manifests.parse(yaml), "Deployment")) {
            assertThat(deployment.path("spec").path("selector").path("matchLabels").has("app.kubernetes.io/version"))
                    .as("a version in the immutable selector would break every upgrade").isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("services")
    void theImagesBuildMakesTheImageTheDeploymentRuns(String service) throws IOException {
        String images = Files.readString(Manifests.root().resolve("deploy/images/pom.xml"));
        String port = Manifests.configuration(service).getProperty("quarkus.http.port");
        assertThat(images).as("deploy/images/pom.xml builds " + service)
                .contains("<id>" + service + "</id>")
                .contains("<image>portrait/" + service + ":${project.version}</image>")
                .contains("../../" + service + "/target/quarkus-app")
                .contains("<port>" + port + "</port>");
        JsonNode deployment = Manifests.ofKind(Manifests.parse(Files.readString(
                Manifests.k8s().resolve("base").resolve(service).resolve("kubernetes.yml"))), "Deployment").get(0);
        assertThat(deployment.path("spec").path("template").path("spec").path("containers").path(0).path("image").asText())
                .startsWith("docker.io/portrait/" + service + ":");
    }

    @Test
    void canonicalFormIgnoresTheOrderQuarkusHappensToWriteButKeepsArgumentOrder() throws IOException {
        String one = """
                kind: Deployment
                metadata: {name: a, labels: {x: "1", y: "true"}}
                spec: {containers: [{name: a, args: [run, --fast], envFrom: [{secretRef: {name: a}}, {configMapRef: {name: a}}]}]}
                """;
        String other = """
                metadata: {labels: {y: "true", x: "1"}, name: a}
                kind: Deployment
                spec: {containers: [{envFrom: [{configMapRef: {name: a}}, {secretRef: {name: a}}], args: [run, --fast], name: a}]}
                """;
        String reordered = """
                kind: Deployment
                metadata: {name: a, labels: {x: "1", y: "true"}}
                spec: {containers: [{name: a, args: [--fast, run], envFrom: [{secretRef: {name: a}}, {configMapRef: {name: a}}]}]}
                """;
        String canonical = BaseManifests.canonical("a", one);
        assertThat(BaseManifests.canonical("a", other)).isEqualTo(canonical);
        assertThat(BaseManifests.canonical("a", reordered)).isNotEqualTo(canonical);
        assertThat(Manifests.parse(canonical).get(0).path("metadata").path("labels").path("x").isTextual())
                .as("a quoted number stays a string").isTrue();
    }

    @Test
    void baseKustomizationHasEveryServiceAndHardensEachDeployment() throws IOException {
        JsonNode kustomization = Manifests.YAML.readTree(Manifests.k8s().resolve("base/kustomization.yaml").toFile());
        List<String> bases = new ArrayList<>();
        kustomization.path("bases").forEach(base -> bases.add(base.asText()));
        List<String> hardened = new ArrayList<>();
        kustomization.path("patchesJson6902").forEach(patch -> hardened.add(patch.path("target").path("name").asText()));

        List<String> services = Manifests.services();
        assertThat(bases).as("services in deploy/k8s/base/kustomization.yaml").containsExactlyInAnyOrderElementsOf(services);
        assertThat(hardened).as("deployments hardened by the base").containsExactlyInAnyOrderElementsOf(services);
        for (String service : services) {
            JsonNode own = Manifests.YAML.readTree(
                    Manifests.k8s().resolve("base").resolve(service).resolve("kustomization.yaml").toFile());
            assertThat(own.path("resources").toString()).as(service).contains("kubernetes.yml");
        }
    }
}

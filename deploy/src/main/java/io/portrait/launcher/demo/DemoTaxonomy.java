package io.portrait.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portrait.launcher.suite.GatewayClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's starter taxonomy ({@value #RESOURCE}): categories, tags of every computed kind, the four model tags
 * scoring pushes at each refit, and two segments built on them. Defined through the gateway as a marketer would,
 * and safe to apply again: what already exists is kept as it is.
 */
public final class DemoTaxonomy {

    public static final String RESOURCE = "/demo/taxonomy.json";
    private static final int CONFLICT = 409;

    /** What applying the taxonomy did: what it made (tags published, segments saved), and what existed already. */
    public record Applied(List<String> created, List<String> existing) {
    }

    private final GatewayClient gateway;
    private final JsonNode taxonomy;

    public DemoTaxonomy(GatewayClient gateway) {
        this.gateway = gateway;
        this.taxonomy = shipped();
    }

    public static JsonNode shipped() {
        try (InputStream in = DemoTaxonomy.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("demo taxonomy missing from the launcher: " + RESOURCE);
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tag codes, in the order they are defined. */
    public List<String> tagCodes() {
        List<String> codes = new ArrayList<>();
        taxonomy.path("tags").forEach(tag -> codes.add(tag.path("code").asText()));
        return codes;
    }

    /**
     * Creates the categories and tags and publishes each new tag. Published before the events arrive, computed tags
     * are kept current event by event; model tags wait for scoring's next refit.
     */
    public Applied defineTags() {
        for (JsonNode category : taxonomy.path("categories")) {
            expect(gateway.post("/v1/tags/categories", category), "category " + category.path("code").asText(), 201);
        }
        List<String> published = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (JsonNode tag : taxonomy.path("tags")) {
            String code = tag.path("code").asText();
            boolean created = expect(gateway.post("/v1/tags", tag), "tag " + code, 201);
            // A tag left in draft (a run stopped between the two calls) is published now; others are kept as they are.
            if (created || draft(code)) {
                expect(gateway.post("/v1/tags/" + code + "/publish"), "publishing " + code, 202);
                published.add(code);
            } else {
                kept.add(code);
            }
        }
        return new Applied(published, kept);
    }

    /** Saves the segments, or refreshes those that exist, so that their members follow the tags just computed. */
    public Applied defineSegments() {
        List<String> saved = new ArrayList<>();
        List<String> refreshed = new ArrayList<>();
        for (JsonNode segment : taxonomy.path("segments")) {
            String code = segment.path("code").asText();
            if (expect(gateway.post("/v1/segments", segment), "segment " + code, 201)) {
                saved.add(code);
            } else {
                expect(gateway.post("/v1/segments/" + code + "/refresh"),
                        "refreshing segment " + code, 200);
                refreshed.add(code);
            }
        }
        return new Applied(saved, refreshed);
    }

    private boolean draft(String code) {
        GatewayClient.Answer answer = gateway.get("/v1/tags/" + code);
        if (answer.status() != 200) {
            throw new IllegalStateException("tag " + code + ": the gateway answered " + answer.status() + ": " + answer.body());
        }
        return answer.body().path("definition").path("status").asText().equals("draft");
    }

    /** @return true when the call made something new, false when it existed already (409) */
    private static boolean expect(GatewayClient.Answer answer, String what, int created) {
        if (answer.status() == created) {
            return true;
        }
        if (answer.status() == CONFLICT) {
            return false;
        }
        throw new IllegalStateException(what + ": the gateway answered " + answer.status() + ": " + answer.body());
    }
}

package io.portrait.tagging.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portrait.tagging.domain.TagDefinition;
import io.portrait.tagging.domain.TagVersionRow;
import io.portrait.tagging.engine.CompiledTag;
import io.portrait.tagging.engine.FieldCatalog;
import io.portrait.tagging.engine.TagSpec;
import io.portrait.tagging.engine.TagSpecs;
import io.portrait.tagging.engine.ValueType;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns stored tag versions into {@link CompiledTag}s. Versions never change, so their parsed specs are cached;
 * the cut points of percentile tiers do change and are read with every row.
 */
@ApplicationScoped
public class TagCompiler {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_CACHED = 10_000;

    private final Map<String, TagSpec> specs = new ConcurrentHashMap<>();

    /** The catalog rules of a workspace are validated against: built-in fields plus its tags that are not retired. */
    public static FieldCatalog catalog(List<TagDefinition> definitions) {
        Map<String, ValueType> tags = new LinkedHashMap<>();
        for (TagDefinition definition : definitions) {
            if (!TagDefinition.RETIRED.equals(definition.status())) {
                tags.put(definition.code(), ValueType.fromWireName(definition.valueType()));
            }
        }
        return FieldCatalog.standard(tags);
    }

    /**
     * Stored specs were validated when saved; they are read back against a catalog that knows every tag, since a
     * tag read by a rule may have been retired since (the rule then finds no value).
     */
    public CompiledTag compile(String workspace, TagVersionRow row, String updateMode, FieldCatalog catalog) {
        String key = workspace + "\u0000" + row.code() + "\u0000" + row.version();
        TagSpec spec = specs.get(key);
        if (spec == null) {
            spec = TagSpecs.parse(row.spec(), catalog);
            if (specs.size() < MAX_CACHED) {
                specs.put(key, spec);
            }
        }
        return CompiledTag.of(row.code(), row.version(), spec, updateMode, cutPoints(row.cutPoints()));
    }

    static double[] cutPoints(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, double[].class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored cut points are unreadable", e);
        }
    }

    static String cutPointsJson(double[] cuts) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < cuts.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            // JSON has no infinities: the open ends of the range are written as the extreme doubles.
            double cut = Double.isInfinite(cuts[i]) ? (cuts[i] > 0 ? Double.MAX_VALUE : -Double.MAX_VALUE) : cuts[i];
            out.append(cut);
        }
        return out.append(']').toString();
    }
}

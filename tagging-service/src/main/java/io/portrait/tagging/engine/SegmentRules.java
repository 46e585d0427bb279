package io.portrait.tagging.engine;

import io.portrait.tagging.engine.RuleNode.All;
import io.portrait.tagging.engine.RuleNode.Any;
import io.portrait.tagging.engine.RuleNode.FieldCondition;
import io.portrait.tagging.engine.RuleNode.Not;

/**
 * Segment rules are rules of the same language restricted to boolean combinations of tag and trait conditions:
 * behaviour reaches segments through tags, which keeps a segment count one query over current values.
 */
public final class SegmentRules {

    private SegmentRules() {
    }

    /** Parses (text, or JSON when it starts with '{'), validates, and checks the segment restriction. */
    public static RuleNode parse(String rule, FieldCatalog catalog) {
        String source = rule == null ? "" : rule.strip();
        RuleNode root = source.startsWith("{") ? RuleJson.parse(source, catalog) : RuleText.parse(source, catalog);
        check(root, "$");
        return root;
    }

    /**
     * Reads a segment's stored rule (see {@link RuleJson#parseStored}), validated against the catalog as it is now
     * and checked for the segment restriction.
     */
    public static RuleNode parseStored(String json, FieldCatalog catalog) {
        RuleNode root = RuleJson.parseStored(json, catalog);
        check(root, "$");
        return root;
    }

    private static void check(RuleNode node, String path) {
        if (node instanceof All all) {
            for (int i = 0; i < all.children().size(); i++) {
                check(all.children().get(i), path + ".all[" + i + "]");
            }
        } else if (node instanceof Any any) {
            for (int i = 0; i < any.children().size(); i++) {
                check(any.children().get(i), path + ".any[" + i + "]");
            }
        } else if (node instanceof Not not) {
            check(not.child(), path + ".not");
        } else if (node instanceof FieldCondition condition) {
            if (!condition.field().startsWith(FieldCatalog.TAG + ".")
                    && !FieldCatalog.heldWithTraits(condition.field())) {
                throw new RuleException(path, "segments combine tag, trait and consent conditions; '"
                        + condition.field() + "' belongs in a tag");
            }
        } else {
            throw new RuleException(path, "segments combine tag, trait and consent conditions; define a tag for behaviour"
                    + " (did, aggregates) and use it here");
        }
    }
}

package io.portrait.tagging.service;

import io.portrait.common.sink.InvalidRequestException;
import io.portrait.common.sink.SinkLedger;
import io.portrait.tagging.config.TaggingConfig;
import io.portrait.tagging.domain.ConflictException;
import io.portrait.tagging.domain.NotFoundException;
import io.portrait.tagging.domain.TagDefinition;
import io.portrait.tagging.engine.FieldCatalog;
import io.portrait.tagging.engine.RuleException;
import io.portrait.tagging.engine.RuleJson;
import io.portrait.tagging.engine.RuleNode;
import io.portrait.tagging.engine.SegmentRules;
import io.portrait.tagging.repository.SegmentRepository;
import io.portrait.tagging.repository.SegmentRepository.SegmentRow;
import io.portrait.tagging.repository.SegmentSql;
import io.portrait.tagging.repository.TaxonomyRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Segments: a rule over tags and traits, counted live, materialized as members with a log of changes. */
@ApplicationScoped
public class SegmentService {

    /** Most tag codes whose values one page of members may carry. */
    public static final int MAX_MEMBER_TAGS = 64;

    private final SegmentRepository segments;
    private final TaxonomyRepository taxonomy;
    private final ProfileTagService profileTags;
    private final TaggingConfig config;
    private final int refreshChunk;
    private final SinkLedger ledger = new SinkLedger();

    @Inject
    SegmentService(SegmentRepository segments, TaxonomyRepository taxonomy, ProfileTagService profileTags,
                   TaggingConfig config) {
        this(segments, taxonomy, profileTags, config, config.segmentRefreshChunk());
    }

    /** With {@code refreshChunk} known profiles per transaction of a refresh; tests refresh in small chunks. */
    SegmentService(SegmentRepository segments, TaxonomyRepository taxonomy, ProfileTagService profileTags,
                   TaggingConfig config, int refreshChunk) {
        if (refreshChunk < 1) {
            throw new IllegalArgumentException("portrait.tagging.segment-refresh-chunk must be at least 1");
        }
        this.segments = segments;
        this.taxonomy = taxonomy;
        this.profileTags = profileTags;
        this.config = config;
        this.refreshChunk = refreshChunk;
    }

    /** A segment with its rule read back. */
    public record SegmentView(SegmentRow row, RuleNode rule) {
    }

    public record Count(long count, long profiles) {
    }

    public record Refreshed(SegmentView segment, int entered, int left) {
    }

    @WithSession
    public Uni<Count> count(String workspace, String rule) {
        return compile(workspace, rule, SegmentRules::parse).chain(compiled -> segments.count(workspace, compiled.sql())
                .chain(count -> segments.profileCount(workspace).map(profiles -> new Count(count, profiles))));
    }

    /** Saves the segment, then computes its members as a {@linkplain #refresh refresh} does. */
    public Uni<Refreshed> create(String workspace, String code, String name, String description, String rule) {
        String checkedCode = TagCatalogService.code(code, "code");
        String checkedName = TagCatalogService.text(name, "name", true);
        String checkedDescription = TagCatalogService.text(description, "description", false);
        return Panache.withTransaction(() -> compile(workspace, rule, SegmentRules::parse)
                        .chain(compiled -> segments.insert(workspace, checkedCode, checkedName, checkedDescription,
                                RuleJson.write(compiled.rule())))
                        .invoke(inserted -> {
                            if (!inserted) {
                                throw new ConflictException("segment '" + checkedCode + "' exists", true);
                            }
                        }))
                .chain(() -> refresh(workspace, checkedCode));
    }

    @WithSession
    public Uni<SegmentView> get(String workspace, String code) {
        return existing(workspace, code, false).map(SegmentService::view);
    }

    @WithSession
    public Uni<List<SegmentView>> list(String workspace) {
        return segments.list(workspace).map(rows -> rows.stream().map(SegmentService::view).toList());
    }

    /**
     * Recomputes the members chunk by chunk ({@link #refreshChunk}), each chunk in its own transaction, and answers
     * how many entered and left in all. Within the caller's transaction, when there is one, the chunks are one.
     */
    public Uni<Refreshed> refresh(String workspace, String code) {
        return Uni.createFrom().deferred(() -> {
            RefreshProgress progress = new RefreshProgress();
            return Multi.createBy().repeating()
                    .uni(() -> Panache.withTransaction(() -> refreshChunk(workspace, code, progress.after()))
                            .invoke(progress::add))
                    .whilst(chunk -> chunk.end() != null)
                    .collect().last()
                    .chain(() -> Panache.withSession(() -> existing(workspace, code, false)))
                    .map(updated -> new Refreshed(view(updated), progress.entered(), progress.left()));
        });
    }

    /**
     * Refreshes the members whose ids fall in the next chunk after {@code after}, in the caller's transaction, under
     * the workspace lock that merges and erasures take exclusively, taken before the segment's row: neither can then
     * commit between the chunk's reads and its commit. Without it, a chunk reading a profile just before its erasure
     * commits would insert a membership (and an "entered") the erasure cannot see, and both would commit, leaving a
     * row of the erased person. Between chunks they go ahead: an erasure then deletes what earlier chunks wrote of
     * the person, and later chunks no longer find them. The order is the erasure's (workspace, then the segments its
     * profile leaves), so the two never wait for each other in a cycle. The segment's row lock also keeps its log's
     * sequence numbers committing in order, as every writer of the log takes it. The rule is compiled in each chunk,
     * against the tag versions served then, over the chunk's range of ids (so each chunk reads its own profiles). The last chunk records the refresh's time and the count of members.
     */
    private Uni<Chunk> refreshChunk(String workspace, String code, String after) {
        return ledger.lockShared(workspace)
                .chain(() -> existing(workspace, code, true))
                .chain(row -> compile(workspace, row.rule(), SegmentRules::parseStored))
                .chain(compiled -> segments.chunkEnd(workspace, after, refreshChunk)
                        .chain(end -> segments.refresh(workspace, code,
                                        compiled.over(new SegmentSql.Range(after != null, end.isPresent())), after,
                                        end.orElse(null))
                                .call(counts -> end.isPresent() ? Uni.createFrom().voidItem()
                                        : segments.refreshed(workspace, code))
                                .map(counts -> new Chunk(end.orElse(null), counts[0], counts[1]))));
    }

    /** One chunk of a refresh: where it ended (null for the last) and how many entered and left in it. */
    private record Chunk(String end, int entered, int left) {
    }

    /** Where a refresh is, and how many entered and left so far. */
    private static final class RefreshProgress {
        private String after;
        private int entered;
        private int left;

        String after() {
            return after;
        }

        int entered() {
            return entered;
        }

        int left() {
            return left;
        }

        void add(Chunk chunk) {
            after = chunk.end();
            entered += chunk.entered();
            left += chunk.left();
        }
    }

    /**
     * One page of members; {@code nextAfter} is empty on the last page. {@code tags} holds the asked tags' served
     * values by member id (a member without any is absent).
     */
    public record MemberPage(List<SegmentRepository.Member> members, String nextAfter,
                             Map<String, List<ProfileTagService.ServedTag>> tags) {
    }

    /**
     * One page of members, each with its served values of {@code tagCodes} (none asked, none read). Members are
     * those of the last refresh that the rule still selects now: a member who withdrew the consent the rule asks
     * for, or whose tag or trait changed, since that refresh is left out at once (the recorded "left" follows at
     * the next refresh), so an audience handed to a channel never names them. A page can therefore hold fewer
     * members than asked; {@code nextAfter} goes on from the last member read.
     */
    @WithSession
    public Uni<MemberPage> members(String workspace, String code, String after, int limit, List<String> tagCodes) {
        int size = pageSize(limit);
        if (tagCodes.size() > MAX_MEMBER_TAGS) {
            throw new InvalidRequestException("tag_codes holds " + tagCodes.size() + " codes; at most "
                    + MAX_MEMBER_TAGS);
        }
        return existing(workspace, code, false).chain(row -> compile(workspace, row.rule(), SegmentRules::parseStored)
                .chain(compiled -> segments.members(workspace, code, after == null ? "" : after, size + 1)
                        .chain(members -> {
                            boolean more = members.size() > size;
                            List<SegmentRepository.Member> read = more ? members.subList(0, size) : members;
                            String nextAfter = more ? read.get(read.size() - 1).profileId() : "";
                            return segments.stillMatching(workspace, compiled.straightforward(),
                                            read.stream().map(SegmentRepository.Member::profileId).toList())
                                    .chain(matching -> {
                                        List<SegmentRepository.Member> page = read.stream()
                                                .filter(member -> matching.contains(member.profileId())).toList();
                                        return profileTags.servedTags(workspace, page.stream()
                                                        .map(SegmentRepository.Member::profileId).toList(), tagCodes)
                                                .map(tags -> new MemberPage(page, nextAfter, tags));
                                    });
                        })));
    }

    @WithSession
    public Uni<List<SegmentRepository.Change>> changes(String workspace, String code, long after, int limit) {
        if (after < 0) {
            throw new InvalidRequestException("after_sequence must not be negative");
        }
        return existing(workspace, code, false).chain(row -> segments.changes(workspace, code, after, pageSize(limit)));
    }

    @WithSession
    public Uni<List<SegmentRepository.Membership>> membershipsOf(String workspace, String profileId) {
        return segments.membershipsOf(workspace, profileId);
    }

    /** The workspaces holding segments. */
    public Uni<List<String>> workspaces() {
        return Panache.withSession(segments::workspaces);
    }

    /**
     * Refreshes every segment of the workspace, one after the other; one that fails is logged and the others go on.
     * The daily refresh calls it once the workspace's tags are refreshed (see {@link RecomputeJobs}).
     */
    public Uni<Void> refreshAll(String workspace) {
        return Panache.withSession(() -> segments.list(workspace))
                .chain(rows -> Multi.createFrom().iterable(rows)
                        .onItem().transformToUniAndConcatenate(row -> refresh(workspace, row.code())
                                .onFailure().recoverWithItem(failure -> {
                                    Log.warnf("workspace %s: segment %s not refreshed: %s",
                                            workspace, row.code(), failure.getMessage());
                                    return null;
                                }))
                        .collect().last())
                .replaceWithVoid();
    }

    private int pageSize(int limit) {
        return limit <= 0 ? 100 : Math.min(limit, config.maxPageSize());
    }

    /** A rule, its SQL as counts and refreshes run it, and what its other forms are compiled from. */
    private record Compiled(RuleNode rule, SegmentSql.Compiled sql, Map<String, Integer> live, FieldCatalog catalog) {

        /** The rule condition by condition, for checking a few profiles (a page of members). */
        SegmentSql.Compiled straightforward() {
            return SegmentSql.straightforward(rule, live, catalog);
        }

        /** The rule over a range of profile ids: a chunk of a refresh. */
        SegmentSql.Compiled over(SegmentSql.Range range) {
            return SegmentSql.compile(rule, live, catalog, range);
        }
    }

    /**
     * Parses against the workspace's catalog and compiles to SQL over the tags' live versions. {@code parser}: a
     * caller's rule is parsed with the limits on what callers may send ({@link SegmentRules#parse}), a stored one
     * without them ({@link SegmentRules#parseStored}).
     */
    private Uni<Compiled> compile(String workspace, String rule, BiFunction<String, FieldCatalog, RuleNode> parser) {
        if (rule == null || rule.isBlank()) {
            return Uni.createFrom().failure(new InvalidRequestException("rule is required"));
        }
        return taxonomy.definitions(workspace, null, null).map(definitions -> {
            FieldCatalog catalog = TagCompiler.catalog(definitions);
            RuleNode node;
            try {
                node = parser.apply(rule, catalog);
            } catch (RuleException e) {
                throw new InvalidRequestException("rule: " + e.getMessage());
            }
            Map<String, Integer> live = new HashMap<>();
            for (TagDefinition definition : definitions) {
                if (definition.liveVersion() != null && !TagDefinition.RETIRED.equals(definition.status())) {
                    live.put(definition.code(), definition.liveVersion());
                }
            }
            return new Compiled(node, SegmentSql.compile(node, live, catalog), live, catalog);
        });
    }

    private Uni<SegmentRow> existing(String workspace, String code, boolean lock) {
        return segments.find(workspace, code, lock).map(row -> row.orElseThrow(() ->
                new NotFoundException("no segment '" + code + "'")));
    }

    private static SegmentView view(SegmentRow row) {
        return new SegmentView(row, RuleJson.readStored(row.rule()));
    }
}

package io.portrait.gateway.service;

import io.grpc.Status;
import io.portrait.common.pii.PiiMask;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.gateway.client.TaggingClient;
import io.portrait.gateway.domain.AudienceMember;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.domain.TagViews;
import io.portrait.gateway.engine.ExportColumns;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.identity.v1.GoldenTrait;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.tagging.v1.GetTagRequest;
import io.portrait.proto.tagging.v1.ListSegmentMembersResponse;
import io.portrait.proto.tagging.v1.SegmentMember;
import io.portrait.proto.tagging.v1.TagValue;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An audience as a file for the tools that act on it (an email or SMS sender, an ad platform, a call list): every
 * member of a segment, page after page, with the identifiers, traits and tag values asked for. Each page is two
 * reads whatever its size: tagging answers the members with their values of the asked tags, identity the page's
 * profiles in one call. Identifiers and traits are masked unless the caller holds pii:read, in which case the
 * export is audited as one PII read of the segment.
 */
@ApplicationScoped
public class AudienceExportService {

    /** Members per page: one call to tagging, and one to identity when identifiers or traits are asked. */
    static final int PAGE = 1_000;

    private final SegmentService segments;
    private final IdentityClient identity;
    private final TaggingClient tagging;
    private final AuditService audit;

    public AudienceExportService(SegmentService segments, IdentityClient identity, TaggingClient tagging,
                                 AuditService audit) {
        this.segments = segments;
        this.identity = identity;
        this.tagging = tagging;
        this.audit = audit;
    }

    /** The export as CSV lines: the header of {@link ExportColumns#header()}, then one line per member. */
    public Uni<Multi<String>> csv(String workspace, String code, ExportColumns columns, PiiGuard.Reader reader) {
        return rows(workspace, code, columns, reader, "GET /v1/segments/{code}/members.csv")
                .map(rows -> Multi.createBy().concatenating().streams(
                        Multi.createFrom().item(String.join(",", columns.header()) + "\n"),
                        rows.map(row -> row.csvLine(columns))));
    }

    /** The export as rows, for NDJSON. */
    public Uni<Multi<AudienceMember>> ndjson(String workspace, String code, ExportColumns columns, PiiGuard.Reader reader) {
        return rows(workspace, code, columns, reader, "GET /v1/segments/{code}/members.ndjson");
    }

    /**
     * One page of members, each with the asked columns (none: the id and since when only), as the members list serves
     * it to a screen. Identifiers and traits are masked unless the reader holds pii:read; a page read with them in
     * clear is audited, as an export is.
     */
    public Uni<Page<AudienceMember>> page(String workspace, String code, int limit, String cursor,
                                          ExportColumns columns, PiiGuard.Reader reader) {
        return knownTags(workspace, columns.tags())
                .chain(() -> segments.page(workspace, code, limit, cursor, columns.tags()))
                .call(() -> auditedInClear(workspace, code, columns, reader, "GET /v1/segments/{code}/members"))
                .chain(page -> rows(workspace, page, columns, reader.mayReadPii()).map(rows -> new Page<>(rows,
                        page.getNextAfter().isEmpty() ? null : page.getNextAfter())));
    }

    /**
     * The segment and the asked tags are checked before the first line, so an unknown one is a 404 or a 400, not
     * an export cut short.
     */
    private Uni<Multi<AudienceMember>> rows(String workspace, String code, ExportColumns columns,
                                            PiiGuard.Reader reader, String via) {
        boolean clear = reader.mayReadPii();
        return segments.get(workspace, code)
                .call(() -> knownTags(workspace, columns.tags()))
                .call(() -> auditedInClear(workspace, code, columns, reader, via))
                .map(segment -> Multi.createBy().repeating()
                        .uni(() -> new String[] {""}, cursor -> segments.page(workspace, code, PAGE, cursor[0],
                                        columns.tags())
                                .invoke(page -> cursor[0] = page.getNextAfter()))
                        .whilst(page -> !page.getNextAfter().isEmpty())
                        .onItem().transformToUniAndConcatenate(page -> rows(workspace, page, columns, clear))
                        .onItem().transformToIterable(rows -> rows));
    }

    /** A read of the segment's members whose identifiers or traits go out in clear is a PII read: audited. */
    private Uni<Void> auditedInClear(String workspace, String code, ExportColumns columns, PiiGuard.Reader reader,
                                     String via) {
        return columns.carriesPii() && reader.mayReadPii()
                ? audit.record(workspace, reader.actor(), AuditService.PII_READ, "segment:" + code,
                        Map.of("via", via, "columns", columns.header()))
                : Uni.createFrom().voidItem();
    }

    private Uni<Void> knownTags(String workspace, List<String> codes) {
        if (codes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(codes.stream().map(code -> tagging.getTag(GetTagRequest.newBuilder()
                        .setWorkspace(workspace).setCode(code).build())
                        .onFailure(e -> Status.fromThrowable(e).getCode() == Status.Code.NOT_FOUND)
                        .transform(e -> TagService.invalid("\"tags\": no tag '" + code + "' in this workspace.")))
                .toList()).andFailFast().replaceWithVoid();
    }

    private Uni<List<AudienceMember>> rows(String workspace, ListSegmentMembersResponse page, ExportColumns columns,
                                      boolean clear) {
        if (page.getMembersCount() == 0) {
            return Uni.createFrom().item(List.of());
        }
        // A member erased since it was counted has no profile: its row keeps its id and nothing more.
        Uni<Map<String, Profile>> profiles = columns.needsIdentity()
                ? identity.profiles(workspace, page.getMembersList().stream().map(SegmentMember::getProfileId).toList())
                : Uni.createFrom().item(Map.of());
        return profiles.map(found -> page.getMembersList().stream().map(member -> {
            Optional<Profile> profile = Optional.ofNullable(found.get(member.getProfileId()));
            return new AudienceMember(member.getProfileId(), TagService.time(member.getSince()),
                    identifiers(profile, columns, clear), traits(profile, columns, clear),
                    tagValues(member.getTagsList(), columns));
        }).toList());
    }

    private static Map<String, List<String>> identifiers(Optional<Profile> profile, ExportColumns columns,
                                                         boolean clear) {
        Map<String, List<String>> identifiers = new LinkedHashMap<>();
        profile.ifPresent(p -> {
            for (Identifier identifier : p.getIdentifiersList()) {
                if (columns.identifiers().contains(identifier.getType())) {
                    identifiers.computeIfAbsent(identifier.getType(), type -> new ArrayList<>()).add(clear
                            ? identifier.getValue() : PiiMask.mask(identifier.getType(), identifier.getValue()));
                }
            }
        });
        return identifiers;
    }

    private static Map<String, String> traits(Optional<Profile> profile, ExportColumns columns, boolean clear) {
        Map<String, String> traits = new LinkedHashMap<>();
        profile.ifPresent(p -> {
            for (GoldenTrait trait : p.getTraitsList()) {
                if (columns.traits().contains(trait.getName())) {
                    traits.put(trait.getName(), clear ? trait.getValue() : PiiMask.mask(trait.getName(), trait.getValue()));
                }
            }
        });
        return traits;
    }

    private static Map<String, Object> tagValues(List<TagValue> values, ExportColumns columns) {
        Map<String, Object> tags = new LinkedHashMap<>();
        for (TagValue value : values) {
            if (columns.tags().contains(value.getCode())) {
                List<String> items = TagViews.ProfileTag.items(value.getValue(), value.getValueType());
                tags.put(value.getCode(), items != null ? items : value.getValue());
            }
        }
        return tags;
    }
}

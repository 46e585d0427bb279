package io.portrait.tagging.grpc;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.event.v1.Event;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.proto.sink.v1.EraseProfileRequest;
import io.portrait.proto.sink.v1.EventSink;
import io.portrait.proto.tagging.v1.CountSegmentRequest;
import io.portrait.proto.tagging.v1.CreateCategoryRequest;
import io.portrait.proto.tagging.v1.CreateSegmentRequest;
import io.portrait.proto.tagging.v1.CreateTagRequest;
import io.portrait.proto.tagging.v1.GetProfileTagsRequest;
import io.portrait.proto.tagging.v1.GetRecomputeJobRequest;
import io.portrait.proto.tagging.v1.ListSegmentChangesRequest;
import io.portrait.proto.tagging.v1.ListSegmentMembersRequest;
import io.portrait.proto.tagging.v1.ListSegmentMembersResponse;
import io.portrait.proto.tagging.v1.PublishTagRequest;
import io.portrait.proto.tagging.v1.PublishTagResponse;
import io.portrait.proto.tagging.v1.RefreshSegmentRequest;
import io.portrait.proto.tagging.v1.RefreshSegmentResponse;
import io.portrait.proto.tagging.v1.Segment;
import io.portrait.proto.tagging.v1.SegmentChange;
import io.portrait.proto.tagging.v1.SegmentMember;
import io.portrait.proto.tagging.v1.SegmentMembership;
import io.portrait.proto.tagging.v1.Segments;
import io.portrait.proto.tagging.v1.TagCatalog;
import io.portrait.proto.tagging.v1.TagCategory;
import io.portrait.proto.tagging.v1.TagDefinition;
import io.portrait.proto.tagging.v1.Tagging;
import io.portrait.tagging.engine.FieldCatalog;
import io.portrait.tagging.engine.RuleNode;
import io.portrait.tagging.engine.SegmentRules;
import io.portrait.tagging.engine.ValueType;
import io.portrait.tagging.repository.SegmentSql;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.portrait.common.testing.GrpcTestCalls.TIMEOUT;
import static io.portrait.common.testing.GrpcTestCalls.assertStatus;
import static io.portrait.tagging.grpc.TestEvents.batch;
import static io.portrait.tagging.grpc.TestEvents.newWorkspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "tagging"))
class SegmentGrpcServiceTest {

    static final String RULE = "tag.orders >= 2 and trait.city in [\"Shanghai\", \"Hangzhou\"] and not tag.kol exists";

    @GrpcClient("sink")
    EventSink sink;

    @GrpcClient("tagging")
    Tagging tagging;

    @GrpcClient("catalog")
    TagCatalog catalog;

    @GrpcClient("segments")
    Segments segments;

    private static ResolvedEvent order(String eventId, String profileId) {
        return TestEvents.track(eventId, profileId, "Order Completed", "2026-01-05T10:00:00Z");
    }

    private static ResolvedEvent lives(String eventId, String profileId, String city) {
        return identify(eventId, profileId, "web", "2026-01-01T10:00:00Z", "city",
                Value.newBuilder().setStringValue(city).build());
    }

    /** An identify event of the profile that sets one trait. */
    private static ResolvedEvent identify(String eventId, String profileId, String channel, String at, String trait,
                                          Value value) {
        return ResolvedEvent.newBuilder().setEventId(eventId).setProfileId(profileId)
                .setEvent(Event.newBuilder().setMessageId("m-" + eventId).setType("identify").setChannel(channel)
                        .setTimestamp(TestEvents.timestamp(at)).setTraits(Struct.newBuilder().putFields(trait, value)))
                .build();
    }

    private void tag(String ws, String code, String spec) {
        catalog.createTag(CreateTagRequest.newBuilder().setWorkspace(ws).setDefinition(TagDefinition.newBuilder()
                .setCode(code).setName(code).setOwner("crm").setCategoryCode("value")).setSpecJson(spec).build())
                .await().atMost(TIMEOUT);
        PublishTagResponse published = catalog.publishTag(PublishTagRequest.newBuilder().setWorkspace(ws).setCode(code)
                .build()).await().atMost(TIMEOUT);
        if (published.hasJob()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> catalog.getRecomputeJob(GetRecomputeJobRequest
                    .newBuilder().setWorkspace(ws).setJobId(published.getJob().getJobId()).build())
                    .await().atMost(TIMEOUT).getJob().getState().equals("completed"));
        }
    }

    /** ann, bob (Shanghai, 2 and 1 orders), cai (Beijing, 2 orders), dan (Hangzhou, 3 orders). */
    private String workspaceWithTags() {
        String ws = newWorkspace();
        catalog.createCategory(CreateCategoryRequest.newBuilder().setWorkspace(ws).setCategory(TagCategory.newBuilder()
                .setCode("value").setName("Value")).build()).await().atMost(TIMEOUT);
        sink.applyEvents(batch(ws, lives("t1", "ann", "Shanghai"), lives("t2", "bob", "Shanghai"),
                lives("t3", "cai", "Beijing"), lives("t4", "dan", "Hangzhou"),
                order("o1", "ann"), order("o2", "ann"), order("o3", "bob"), order("o4", "cai"), order("o5", "cai"),
                order("o6", "dan"), order("o7", "dan"), order("o8", "dan"))).await().atMost(TIMEOUT);
        tag(ws, "orders", "{\"kind\": \"metric\", \"metric\": \"count(\\\"Order Completed\\\")\"}");
        tag(ws, "kol", "{\"kind\": \"manual\"}");
        return ws;
    }

    private static ResolvedEvent consents(String eventId, String profileId, boolean marketing, String at) {
        return ResolvedEvent.newBuilder().setEventId(eventId).setProfileId(profileId)
                .setEvent(Event.newBuilder().setMessageId("m-" + eventId).setType("identify").setChannel("web")
                        .setTimestamp(TestEvents.timestamp(at)).putConsent("marketing", marketing))
                .build();
    }

    @Test
    void segmentsAndTagsReadTheConsentTheLatestEventGave() {
        String ws = workspaceWithTags();
        sink.applyEvents(batch(ws, consents("c1", "ann", true, "2026-01-02T10:00:00Z"),
                consents("c2", "bob", true, "2026-01-02T10:00:00Z"),
                consents("c3", "bob", false, "2026-01-03T10:00:00Z"))).await().atMost(TIMEOUT);
        tag(ws, "contactable", "{\"kind\": \"rule\", \"values\": [{\"value\": \"yes\", \"when\": \"consent.marketing = true\"},"
                + " {\"value\": \"no\", \"when\": \"metric.event_count > 0\"}]}");

        assertCounts(ws, Map.of(
                "consent.marketing = true", 1L,
                "consent.marketing = false", 1L,
                "consent.marketing exists", 2L,
                "not consent.marketing = true", 3L,
                "tag.orders >= 2 and consent.marketing = true", 1L,
                "trait.city = \"Shanghai\" and not consent.marketing = true", 1L));
        assertThat(contactable(ws, "ann")).isEqualTo("yes");
        assertThat(contactable(ws, "bob")).isEqualTo("no");
        segments.createSegment(CreateSegmentRequest.newBuilder().setWorkspace(ws).setCode("reachable")
                .setName("Reachable").setRule("consent.marketing = true").build()).await().atMost(TIMEOUT);
        assertThat(memberIds(ws, "reachable")).containsExactly("ann");

        // Withdrawn over any channel: the tag follows at once, like any trait, and so does every listing or export
        // of a segment asking for the consent, before its next refresh records that ann left.
        sink.applyEvents(batch(ws, consents("c4", "ann", false, "2026-01-04T10:00:00Z"))).await().atMost(TIMEOUT);
        assertThat(contactable(ws, "ann")).isEqualTo("no");
        assertThat(memberIds(ws, "reachable")).isEmpty();

        StatusRuntimeException badPurpose = catchThrowableOfType(StatusRuntimeException.class, () -> segments
                .countSegment(CountSegmentRequest.newBuilder().setWorkspace(ws)
                        .setRule("consent.Marketing = true").build()).await().atMost(TIMEOUT));
        assertThat(badPurpose.getStatus().getDescription()).contains("'Marketing' is not a consent purpose");
        StatusRuntimeException notBoolean = catchThrowableOfType(StatusRuntimeException.class, () -> segments
                .countSegment(CountSegmentRequest.newBuilder().setWorkspace(ws)
                        .setRule("consent.marketing = \"yes\"").build()).await().atMost(TIMEOUT));
        assertThat(notBoolean.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    private List<String> memberIds(String ws, String code) {
        return segments.listSegmentMembers(ListSegmentMembersRequest.newBuilder().setWorkspace(ws).setCode(code)
                .build()).await().atMost(TIMEOUT).getMembersList().stream().map(SegmentMember::getProfileId).toList();
    }

    @Test
    void consentFollowsTheLatestEventAcrossAMergeAndNoTraitCanSetIt() {
        String ws = workspaceWithTags();
        // ann agreed a year ago; eve, whom a later event shows to be ann, withdrew yesterday; bob withdrew.
        sink.applyEvents(batch(ws, consents("c1", "ann", true, "2025-01-02T10:00:00Z"),
                consents("c2", "eve", false, "2026-01-03T10:00:00Z"),
                consents("c3", "bob", false, "2026-01-02T10:00:00Z"))).await().atMost(TIMEOUT);
        // A trait spelled like the consent is not consent.
        sink.applyEvents(batch(ws, identify("t9", "bob", "crm", "2026-01-04T10:00:00Z", "consent.marketing",
                Value.newBuilder().setBoolValue(true).build()))).await().atMost(TIMEOUT);
        assertCounts(ws, Map.of("consent.marketing = true", 1L, "consent.marketing = false", 2L));

        // Merged into ann, eve's later withdrawal stands although the survivor's other traits win.
        sink.applyMerge(TestEvents.merge(ws, "m1", "ann", "eve")).await().atMost(TIMEOUT);
        assertCounts(ws, Map.of("consent.marketing = true", 0L, "consent.marketing = false", 2L));

        // An event older than what is held does not bring an earlier consent back; a newer one does.
        sink.applyEvents(batch(ws, consents("c4", "ann", true, "2025-06-01T10:00:00Z"))).await().atMost(TIMEOUT);
        assertCounts(ws, Map.of("consent.marketing = true", 0L));
        sink.applyEvents(batch(ws, consents("c5", "ann", true, "2026-02-01T10:00:00Z"))).await().atMost(TIMEOUT);
        assertCounts(ws, Map.of("consent.marketing = true", 1L, "consent.marketing = false", 1L));
    }

    @Test
    void timesCountByTheInstantTheyName() {
        String ws = workspaceWithTags();
        sink.applyEvents(batch(ws, identify("r1", "ann", "crm", "2026-01-02T10:00:00Z", "registered_at",
                Value.newBuilder().setStringValue("2026-01-01T08:30:00+08:00").build()))).await().atMost(TIMEOUT);

        // 08:30 in Shanghai is 00:30 UTC: compared as text it would sort after "2026-01-01T01:00:00Z".
        assertCounts(ws, Map.of(
                "trait.registered_at >= \"2026-01-01\"", 1L,
                "trait.registered_at < \"2026-01-01T01:00:00Z\"", 1L,
                "trait.registered_at = \"2026-01-01T00:30:00Z\"", 1L,
                "trait.registered_at > \"2026-01-01T00:30:00.5Z\"", 0L,
                "not trait.registered_at in [\"2026-01-01T00:30:00Z\"]", 3L));
    }

    /** Each rule's count in the workspace. */
    private void assertCounts(String ws, Map<String, Long> expectedCounts) {
        assertThat(expectedCounts).allSatisfy((rule, expected) ->
                assertThat(segments.countSegment(CountSegmentRequest.newBuilder().setWorkspace(ws).setRule(rule)
                        .build()).await().atMost(TIMEOUT).getCount()).as(rule).isEqualTo(expected));
    }

    private String contactable(String ws, String profileId) {
        return valueOf(ws, profileId, "contactable");
    }

    @Test
    void countsLiveWhileEditing() {
        String ws = workspaceWithTags();

        var count = segments.countSegment(CountSegmentRequest.newBuilder().setWorkspace(ws).setRule(RULE).build())
                .await().atMost(TIMEOUT);

        assertThat(count.getCount()).isEqualTo(2);
        assertThat(count.getProfiles()).isEqualTo(4);
        assertThat(segments.countSegment(CountSegmentRequest.newBuilder().setWorkspace(ws)
                .setRule("{\"field\": \"tag.orders\", \"op\": \"ge\", \"value\": 3}").build())
                .await().atMost(TIMEOUT).getCount()).isEqualTo(1);
        // Each shape of the compiled SQL: a union of branches, a negation over every profile, and a union with one.
        assertCounts(ws, Map.of(
                "tag.orders >= 3 or trait.city = \"Beijing\"", 2L,
                "not tag.orders >= 2", 1L,
                "not tag.kol exists and not trait.city = \"Shanghai\"", 2L,
                "not tag.orders >= 2 or trait.city = \"Hangzhou\"", 2L,
                "trait.city = \"Shanghai\" and (tag.orders = 1 or tag.orders = 2)", 2L,
                "(tag.orders >= 3 or not tag.kol exists) and trait.city = \"Shanghai\"", 2L));
        StatusRuntimeException behaviour = catchThrowableOfType(StatusRuntimeException.class, () -> segments
                .countSegment(CountSegmentRequest.newBuilder().setWorkspace(ws)
                        .setRule("did \"Order Completed\"").build()).await().atMost(TIMEOUT));
        assertThat(behaviour.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(behaviour.getStatus().getDescription()).startsWith("rule: $: segments combine tag, trait and consent");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> segments.countSegment(CountSegmentRequest.newBuilder()
                .setWorkspace(ws).setRule("tag.nope = 1").build()).await().atMost(TIMEOUT));
    }

    @Test
    void membersCarryTheServedValuesOfTheAskedTags() {
        String ws = workspaceWithTags();
        catalog.assignTag(io.portrait.proto.tagging.v1.AssignTagRequest.newBuilder().setWorkspace(ws).setCode("kol")
                .setValue("yes").addProfileIds("cai").build()).await().atMost(TIMEOUT);
        segments.createSegment(CreateSegmentRequest.newBuilder().setWorkspace(ws).setCode("buyers").setName("Buyers")
                .setRule("tag.orders >= 2").build()).await().atMost(TIMEOUT);

        ListSegmentMembersResponse page = segments.listSegmentMembers(ListSegmentMembersRequest.newBuilder()
                .setWorkspace(ws).setCode("buyers").addTagCodes("orders").addTagCodes("kol").addTagCodes("nope")
                .build()).await().atMost(TIMEOUT);

        assertThat(page.getMembersList()).extracting(SegmentMember::getProfileId).containsExactly("ann", "cai", "dan");
        assertThat(page.getMembersList()).allSatisfy(member -> assertThat(member.getTagsList())
                // Exactly what the profile's own tags say of the asked codes, nothing of the others.
                .isEqualTo(tagging.getProfileTags(GetProfileTagsRequest.newBuilder().setWorkspace(ws)
                        .setProfileId(member.getProfileId()).build()).await().atMost(TIMEOUT).getTagsList().stream()
                        .filter(tag -> List.of("orders", "kol").contains(tag.getCode())).toList()));
        assertThat(page.getMembersList()).extracting(member -> member.getTagsList().stream()
                        .map(tag -> tag.getCode() + "=" + tag.getValue()).toList())
                .containsExactly(List.of("orders=2"), List.of("kol=yes", "orders=2"), List.of("orders=3"));
        // Nothing asked, nothing read.
        assertThat(segments.listSegmentMembers(ListSegmentMembersRequest.newBuilder().setWorkspace(ws)
                .setCode("buyers").build()).await().atMost(TIMEOUT).getMembersList())
                .allSatisfy(member -> assertThat(member.getTagsList()).isEmpty());

        ListSegmentMembersRequest.Builder tooMany = ListSegmentMembersRequest.newBuilder().setWorkspace(ws)
                .setCode("buyers");
        for (int i = 0; i <= io.portrait.tagging.service.SegmentService.MAX_MEMBER_TAGS; i++) {
            tooMany.addTagCodes("t" + i);
        }
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> segments.listSegmentMembers(tooMany.build())
                .await().atMost(TIMEOUT));
    }

    @Test
    void aTagASegmentOrAnotherTagReadsCannotBeRetired() {
        String ws = workspaceWithTags();
        segments.createSegment(CreateSegmentRequest.newBuilder().setWorkspace(ws).setCode("loyal_east")
                .setName("Loyal, east").setRule(RULE).build()).await().atMost(TIMEOUT);
        tag(ws, "big_buyer", "{\"kind\": \"rule\", \"values\": [{\"value\": \"yes\", \"when\": \"tag.orders >= 3\"}]}");

        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, () -> catalog
                .retireTag(io.portrait.proto.tagging.v1.RetireTagRequest.newBuilder().setWorkspace(ws)
                        .setCode("orders").build()).await().atMost(TIMEOUT));

        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(refused.getStatus().getDescription())
                .isEqualTo("tag 'orders' is read by segment loyal_east, tag big_buyer; change or retire those first");
        // The segment still refreshes; a tag nobody reads retires.
        assertThat(segments.refreshSegment(RefreshSegmentRequest.newBuilder().setWorkspace(ws).setCode("loyal_east")
                .build()).await().atMost(TIMEOUT).getSegment().getMembers()).isEqualTo(2);
        catalog.retireTag(io.portrait.proto.tagging.v1.RetireTagRequest.newBuilder().setWorkspace(ws)
                .setCode("big_buyer").build()).await().atMost(TIMEOUT);
    }

    private String valueOf(String ws, String profileId, String code) {
        return tagging.getProfileTags(GetProfileTagsRequest.newBuilder().setWorkspace(ws).setProfileId(profileId)
                        .build()).await().atMost(TIMEOUT).getTagsList().stream()
                .filter(tag -> tag.getCode().equals(code)).map(tag -> tag.getValue()).findFirst().orElse(null);
    }

    @Test
    void tagsReadingAnotherFollowItsAssignmentsAndItsNewVersion() {
        String ws = workspaceWithTags();
        tag(ws, "influencer", "{\"kind\": \"rule\", \"values\": [{\"value\": \"yes\", \"when\": \"tag.kol = \\\"yes\\\"\"}]}");
        tag(ws, "big_buyer", "{\"kind\": \"rule\", \"values\": [{\"value\": \"yes\", \"when\": \"tag.orders >= 2\"}]}");
        assertThat(valueOf(ws, "ann", "big_buyer")).isEqualTo("yes");

        // An assignment outside the event path: the tag reading it follows in the same call.
        catalog.assignTag(io.portrait.proto.tagging.v1.AssignTagRequest.newBuilder().setWorkspace(ws).setCode("kol")
                .setValue("yes").addProfileIds("ann").build()).await().atMost(TIMEOUT);
        assertThat(valueOf(ws, "ann", "influencer")).isEqualTo("yes");
        catalog.removeTag(io.portrait.proto.tagging.v1.RemoveTagRequest.newBuilder().setWorkspace(ws).setCode("kol")
                .addProfileIds("ann").build()).await().atMost(TIMEOUT);
        assertThat(valueOf(ws, "ann", "influencer")).isNull();

        // orders v2 counts only the orders of a channel nobody used: once it is served, big_buyer follows it.
        catalog.reviseTag(io.portrait.proto.tagging.v1.ReviseTagRequest.newBuilder().setWorkspace(ws).setCode("orders")
                .setSpecJson("{\"kind\": \"metric\", \"metric\": \"count(\\\"Order Completed\\\" [channel = \\\"none\\\"])\"}")
                .build()).await().atMost(TIMEOUT);
        catalog.publishTag(PublishTagRequest.newBuilder().setWorkspace(ws).setCode("orders").build())
                .await().atMost(TIMEOUT);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(valueOf(ws, "ann", "orders")).isIn("0", null);
            assertThat(valueOf(ws, "ann", "big_buyer")).isNull();
        });
    }

    /**
     * A rule within the limits, whose stored JSON is longer than the 8,000 characters a caller may send (99 cities of
     * 40 characters or-ed: 5,738 characters of text, 8,226 of JSON), is saved and refreshed like any other.
     */
    @Test
    void aRuleWhoseStoredFormIsLongerThanItsTextIsSavedAndRefreshed() {
        String ws = workspaceWithTags();
        List<String> cities = new java.util.ArrayList<>(List.of("trait.city = \"Hangzhou\""));
        for (int i = 1; i < 99; i++) {
            cities.add("trait.city = \"" + String.format("City %035d", i) + "\"");
        }
        String rule = String.join(" or ", cities);

        Segment segment = segments.createSegment(CreateSegmentRequest.newBuilder().setWorkspace(ws).setCode("far_cities")
                .setName("Far cities").setRule(rule).build()).await().atMost(TIMEOUT).getSegment();

        assertThat(rule.length()).isLessThan(8_000);
        assertThat(segment.getRuleJson().length()).isGreaterThan(8_000);
        assertThat(segment.getMembers()).isEqualTo(1);
        sink.applyEvents(batch(ws, lives("t5", "eve", "Hangzhou"))).await().atMost(TIMEOUT);
        RefreshSegmentResponse refreshed = segments.refreshSegment(RefreshSegmentRequest.newBuilder().setWorkspace(ws)
                .setCode("far_cities").build()).await().atMost(TIMEOUT);
        assertThat(refreshed.getEntered()).isEqualTo(1);
        assertThat(refreshed.getSegment().getMembers()).isEqualTo(2);
    }

    /**
     * A rule that neither it nor its complement can be driven by one condition (a negated group holding a negation)
     * takes the fallback form, checked against every known profile: its members and recorded changes are those the
     * rule selects, as for any other rule.
     */
    @Test
    void aRuleNoConditionCanDriveIsRefreshedOverEveryKnownProfile() {
        String rule = "not (tag.orders >= 2 or not trait.city = \"Shanghai\")";
        FieldCatalog catalogOfWorkspace = FieldCatalog.standard(Map.of("orders", ValueType.NUMBER, "kol",
                ValueType.STRING));
        RuleNode parsed = SegmentRules.parse(rule, catalogOfWorkspace);
        Map<String, Integer> live = Map.of("orders", 1, "kol", 1);
        assertThat(SegmentSql.compile(parsed, live, catalogOfWorkspace).profiles())
                .as("the rule takes the fallback form")
                .isEqualTo(SegmentSql.straightforward(parsed, live, catalogOfWorkspace).profiles());

        String ws = workspaceWithTags();
        // In Shanghai with fewer than 2 orders: bob (1 order), not ann (2 orders), cai or dan (elsewhere).
        Segment segment = segments.createSegment(CreateSegmentRequest.newBuilder().setWorkspace(ws)
                .setCode("light_shanghai").setName("Light buyers, Shanghai").setRule(rule).build())
                .await().atMost(TIMEOUT).getSegment();
        assertThat(segment.getMembers()).isEqualTo(1);

        // bob orders again (leaves); eve, new in Shanghai without any order, enters; cai moves there with 2 orders
        // (stays out).
        sink.applyEvents(batch(ws, order("o9", "bob"), lives("t5", "eve", "Shanghai"),
                identify("t6", "cai", "web", "2026-01-06T10:00:00Z", "city",
                        Value.newBuilder().setStringValue("Shanghai").build()))).await().atMost(TIMEOUT);
        RefreshSegmentResponse refreshed = segments.refreshSegment(RefreshSegmentRequest.newBuilder().setWorkspace(ws)
                .setCode("light_shanghai").build()).await().atMost(TIMEOUT);

        assertThat(refreshed.getLeft()).isEqualTo(1);
        assertThat(refreshed.getEntered()).isEqualTo(1);
        assertThat(refreshed.getSegment().getMembers()).isEqualTo(1);
        assertThat(segments.listSegmentMembers(ListSegmentMembersRequest.newBuilder().setWorkspace(ws)
                        .setCode("light_shanghai").build()).await().atMost(TIMEOUT).getMembersList())
                .extracting(SegmentMember::getProfileId).containsExactly("eve");
        assertThat(segments.listSegmentChanges(ListSegmentChangesRequest.newBuilder().setWorkspace(ws)
                        .setCode("light_shanghai").build()).await().atMost(TIMEOUT).getChangesList())
                .extracting(SegmentChange::getProfileId, SegmentChange::getChange)
                .containsExactly(tuple("bob", "entered"), tuple("bob", "left"), tuple("eve", "entered"));

        // A refresh with nothing changed records nothing.
        RefreshSegmentResponse again = segments.refreshSegment(RefreshSegmentRequest.newBuilder().setWorkspace(ws)
                .setCode("light_shanghai").build()).await().atMost(TIMEOUT);
        assertThat(again.getEntered()).isZero();
        assertThat(again.getLeft()).isZero();
    }

    @Test
    void membersArePagedAndChangesRecorded() {
        String ws = workspaceWithTags();
        Segment segment = segments.createSegment(CreateSegmentRequest.newBuilder().setWorkspace(ws).setCode("loyal_east")
                .setName("Loyal, east").setRule(RULE).build()).await().atMost(TIMEOUT).getSegment();
        assertThat(segment.getMembers()).isEqualTo(2);
        assertThat(segments.createSegment(CreateSegmentRequest.newBuilder().setWorkspace(ws).setCode("nobody")
                .setName("Nobody").setRule("trait.city = \"Nowhere\"").build()).await().atMost(TIMEOUT).getSegment()
                .getLastChangeSequence()).as("a log with no change").isZero();
        assertThat(segment.getRuleText()).isEqualTo(RULE);

        ListSegmentMembersResponse first = segments.listSegmentMembers(ListSegmentMembersRequest.newBuilder()
                .setWorkspace(ws).setCode("loyal_east").setLimit(1).build()).await().atMost(TIMEOUT);
        ListSegmentMembersResponse second = segments.listSegmentMembers(ListSegmentMembersRequest.newBuilder()
                .setWorkspace(ws).setCode("loyal_east").setLimit(1).setAfter(first.getNextAfter()).build())
                .await().atMost(TIMEOUT);
        assertThat(first.getMembersList()).extracting(SegmentMember::getProfileId).containsExactly("ann");
        assertThat(first.getNextAfter()).isEqualTo("ann");
        assertThat(second.getMembersList()).extracting(SegmentMember::getProfileId).containsExactly("dan");
        assertThat(second.getNextAfter()).isEmpty();

        // bob orders again (enters), dan becomes a KOL (leaves).
        sink.applyEvents(batch(ws, order("o9", "bob"))).await().atMost(TIMEOUT);
        catalog.assignTag(io.portrait.proto.tagging.v1.AssignTagRequest.newBuilder().setWorkspace(ws).setCode("kol")
                .setValue("yes").addProfileIds("dan").build()).await().atMost(TIMEOUT);
        RefreshSegmentResponse refreshed = segments.refreshSegment(RefreshSegmentRequest.newBuilder().setWorkspace(ws)
                .setCode("loyal_east").build()).await().atMost(TIMEOUT);

        assertThat(refreshed.getEntered()).isEqualTo(1);
        assertThat(refreshed.getLeft()).isEqualTo(1);
        assertThat(refreshed.getSegment().getMembers()).isEqualTo(2);
        var changes = segments.listSegmentChanges(ListSegmentChangesRequest.newBuilder().setWorkspace(ws)
                .setCode("loyal_east").build()).await().atMost(TIMEOUT).getChangesList();
        assertThat(changes).extracting(SegmentChange::getProfileId, SegmentChange::getChange).containsExactly(
                tuple("ann", "entered"), tuple("dan", "entered"), tuple("dan", "left"), tuple("bob", "entered"));
        var resumed = segments.listSegmentChanges(ListSegmentChangesRequest.newBuilder().setWorkspace(ws)
                .setCode("loyal_east").setAfterSequence(changes.get(2).getSequence()).build()).await().atMost(TIMEOUT);
        assertThat(resumed.getChangesList()).extracting(SegmentChange::getProfileId).containsExactly("bob");
        // The segment names its log's newest change, where a follower starting now begins.
        assertThat(refreshed.getSegment().getLastChangeSequence()).isEqualTo(changes.get(3).getSequence());
        assertThat(segments.getSegment(io.portrait.proto.tagging.v1.GetSegmentRequest.newBuilder().setWorkspace(ws)
                .setCode("loyal_east").build()).await().atMost(TIMEOUT).getSegment().getLastChangeSequence())
                .isEqualTo(changes.get(3).getSequence());

        assertThat(tagging.getProfileTags(GetProfileTagsRequest.newBuilder().setWorkspace(ws).setProfileId("bob")
                .build()).await().atMost(TIMEOUT).getSegmentsList()).extracting(SegmentMembership::getCode)
                .containsExactly("loyal_east");

        sink.eraseProfile(EraseProfileRequest.newBuilder().setWorkspace(ws).setProfileId("bob").build())
                .await().atMost(TIMEOUT);
        // The gateway retries an erasure whose answer it lost: the "left" it wrote stays.
        sink.eraseProfile(EraseProfileRequest.newBuilder().setWorkspace(ws).setProfileId("bob").build())
                .await().atMost(TIMEOUT);
        assertThat(segments.listSegmentMembers(ListSegmentMembersRequest.newBuilder().setWorkspace(ws)
                .setCode("loyal_east").build()).await().atMost(TIMEOUT).getMembersList())
                .extracting(SegmentMember::getProfileId).containsExactly("ann");
        // Followers learn that the erased person left; its earlier changes are gone, the count follows.
        assertThat(segments.listSegmentChanges(ListSegmentChangesRequest.newBuilder().setWorkspace(ws)
                        .setCode("loyal_east").build()).await().atMost(TIMEOUT).getChangesList())
                .extracting(SegmentChange::getProfileId, SegmentChange::getChange).containsExactly(
                        tuple("ann", "entered"), tuple("dan", "entered"), tuple("dan", "left"), tuple("bob", "left"));
        assertThat(segments.getSegment(io.portrait.proto.tagging.v1.GetSegmentRequest.newBuilder().setWorkspace(ws)
                .setCode("loyal_east").build()).await().atMost(TIMEOUT).getSegment().getMembers()).isEqualTo(1);
        assertStatus(Status.Code.ALREADY_EXISTS, () -> segments.createSegment(CreateSegmentRequest.newBuilder()
                .setWorkspace(ws).setCode("loyal_east").setName("again").setRule(RULE).build()).await().atMost(TIMEOUT));
        assertStatus(Status.Code.NOT_FOUND, () -> segments.refreshSegment(RefreshSegmentRequest.newBuilder()
                .setWorkspace(ws).setCode("nope").build()).await().atMost(TIMEOUT));
    }
}

package io.portrait.identity.grpc;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.proto.identity.v1.GetProfileRequest;
import io.portrait.proto.identity.v1.GoldenTrait;
import io.portrait.proto.identity.v1.IdentityGrpc;
import io.portrait.proto.identity.v1.Profile;
import io.portrait.proto.identity.v1.Resolution;
import io.portrait.proto.identity.v1.ResolveRequest;
import io.portrait.proto.identity.v1.Sighting;
import io.portrait.proto.identity.v1.UnmergeRequest;
import io.portrait.proto.identity.v1.UnmergeResponse;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static io.portrait.identity.grpc.GraphFixture.id;
import static io.portrait.identity.grpc.GraphFixture.sighting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The golden record with the shipped rules: name by source priority (crm first), gender by frequency, anything
 * else by recency; every value names the source and event it came from.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "identity"))
class GoldenRecordTest {

    private static final Instant T1 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2025-03-02T10:00:00Z");
    private static final Instant T3 = Instant.parse("2025-03-03T10:00:00Z");
    private static final Instant T4 = Instant.parse("2025-03-04T10:00:00Z");

    @GrpcClient("identity")
    IdentityGrpc.IdentityBlockingStub identity;

    private final String workspace = "golden-" + UUID.randomUUID();

    @Test
    void eachTraitKeepsTheValueItsRuleChoosesWithProvenance() {
        String lin = resolve(withTraits(sighting("e1", "crm", T1, id("email", "lin@example.com")), "crm",
                "name", "Lin Wei", "gender", "f", "city", "Hangzhou")).getProfileId();
        resolve(withTraits(sighting("e2", "web", T2, id("email", "lin@example.com")), "web",
                "name", "lin", "gender", "f", "city", "Shanghai", "vip", true));
        resolve(withTraits(sighting("e3", "app", T3, id("email", "lin@example.com")), "app",
                "name", "Lynn", "gender", "m", "age", 34, "nickname", ""));

        Profile profile = profile(lin);

        assertThat(profile.getTraitsList())
                .extracting(GoldenTrait::getName, GoldenTrait::getValue, GoldenTrait::getSource,
                        GoldenTrait::getEventId, GoldenTrait::getRule)
                .containsExactly(
                        tuple("age", "34", "app", "e3", "most_recent"),
                        tuple("city", "Shanghai", "web", "e2", "most_recent"),
                        tuple("gender", "f", "web", "e2", "most_frequent"),
                        tuple("name", "Lin Wei", "crm", "e1", "source_priority"),
                        tuple("vip", "true", "web", "e2", "most_recent"));
        assertThat(profile.getTraits(0).getObservedAt().getSeconds()).isEqualTo(T3.getEpochSecond());
    }

    @Test
    void mergesPoolTheTraitsAndUnmergesGiveThemBack() {
        String ann = resolve(withTraits(sighting("e1", "web", T1, id("email", "ann@example.com")), "web",
                "name", "Ann")).getProfileId();
        String card = resolve(withTraits(sighting("e2", "pos", T2, id("member_card", "M-7")), "pos",
                "name", "Bob", "city", "Suzhou")).getProfileId();
        Resolution join = resolve(sighting("e3", "pos", T4, id("email", "ann@example.com"), id("member_card", "M-7")));

        assertThat(profile(ann).getTraitsList()).extracting(GoldenTrait::getName, GoldenTrait::getValue)
                .containsExactly(tuple("city", "Suzhou"), tuple("name", "Bob"));

        UnmergeResponse split = identity.unmerge(UnmergeRequest.newBuilder().setWorkspace(workspace)
                .setMergeId(join.getMerges(0).getMergeId()).build());

        assertThat(split.getSurvivor().getTraitsList()).extracting(GoldenTrait::getName, GoldenTrait::getValue)
                .containsExactly(tuple("name", "Ann"));
        assertThat(split.getRestored(0).getProfileId()).isEqualTo(card);
        assertThat(split.getRestored(0).getTraitsList()).extracting(GoldenTrait::getName, GoldenTrait::getValue)
                .containsExactly(tuple("city", "Suzhou"), tuple("name", "Bob"));
    }

    private static Sighting withTraits(Sighting sighting, String source, Object... traits) {
        Struct.Builder struct = Struct.newBuilder();
        for (int i = 0; i < traits.length; i += 2) {
            Object value = traits[i + 1];
            Value.Builder v = Value.newBuilder();
            if (value instanceof String text) {
                v.setStringValue(text);
            } else if (value instanceof Boolean flag) {
                v.setBoolValue(flag);
            } else {
                v.setNumberValue(((Number) value).doubleValue());
            }
            struct.putFields((String) traits[i], v.build());
        }
        return sighting.toBuilder().setSource(source).setTraits(struct).build();
    }

    private Resolution resolve(Sighting sighting) {
        return identity.resolve(ResolveRequest.newBuilder().setWorkspace(workspace).addSightings(sighting).build())
                .getResolutions(0);
    }

    private Profile profile(String id) {
        return identity.getProfile(GetProfileRequest.newBuilder().setWorkspace(workspace).setProfileId(id).build())
                .getProfile();
    }
}

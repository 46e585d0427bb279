package io.portrait.recommendation.client;

import io.portrait.common.tags.TagListText;
import io.portrait.proto.tagging.v1.GetProfileTagsRequest;
import io.portrait.proto.tagging.v1.GetProfileTagsResponse;
import io.portrait.proto.tagging.v1.MutinyTaggingGrpc.MutinyTaggingStub;
import io.portrait.proto.tagging.v1.SegmentMembership;
import io.portrait.proto.tagging.v1.TagValue;
import io.portrait.recommendation.config.RecommendationConfig;
import io.portrait.recommendation.domain.ProfileTaste;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Tagging's view of a profile (GetProfileTags), read as its taste: segment memberships, and the values of the
 * configured preference tags as category or brand preferences. Each call has the short tagging deadline, because
 * it sits on the recommend path.
 */
@ApplicationScoped
public class TaggingClient {

    private final MutinyTaggingStub tagging;
    private final long deadlineMillis;
    private final Set<String> categoryTags;
    private final Set<String> brandTags;

    public TaggingClient(@GrpcClient("tagging") MutinyTaggingStub tagging, RecommendationConfig config) {
        this.tagging = tagging;
        this.deadlineMillis = config.tagging().deadline().toMillis();
        this.categoryTags = Set.copyOf(config.tagging().categoryTags());
        this.brandTags = Set.copyOf(config.tagging().brandTags());
    }

    public Uni<ProfileTaste> taste(String workspace, String profileId) {
        return tagging.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                .getProfileTags(GetProfileTagsRequest.newBuilder()
                        .setWorkspace(workspace).setProfileId(profileId).build())
                .map(this::toTaste);
    }

    ProfileTaste toTaste(GetProfileTagsResponse response) {
        List<String> segments = response.getSegmentsList().stream().map(SegmentMembership::getCode).toList();
        Set<String> preferences = new LinkedHashSet<>();
        for (TagValue tag : response.getTagsList()) {
            String kind = categoryTags.contains(tag.getCode()) ? "category:"
                    : brandTags.contains(tag.getCode()) ? "brand:" : null;
            if (kind != null) {
                values(tag.getValue()).forEach(value -> preferences.add(kind + value));
            }
        }
        return new ProfileTaste(segments, new ArrayList<>(preferences));
    }

    /** A list value's items ({@link TagListText}); a single value is a list of one. */
    private static List<String> values(String text) {
        List<String> values = new ArrayList<>();
        for (String item : TagListText.split(text)) {
            if (!item.isBlank()) {
                values.add(item.strip());
            }
        }
        return values;
    }
}

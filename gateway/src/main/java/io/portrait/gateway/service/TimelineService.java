package io.portrait.gateway.service;

import com.google.protobuf.Timestamp;
import io.portrait.gateway.client.IdentityClient;
import io.portrait.gateway.client.IngestionClient;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.domain.ProfileView;
import io.portrait.gateway.domain.TimelineEvent;
import io.portrait.gateway.engine.Structs;
import io.portrait.proto.event.v1.Event;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.proto.identity.v1.Profile;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A profile's events, newest first as ingestion keeps them, across the profile and every id merged into it.
 * The profile is read from identity first, so an id of another workspace, or none, answers 404.
 */
@ApplicationScoped
public class TimelineService {

    private final IdentityClient identity;
    private final IngestionClient ingestion;

    public TimelineService(IdentityClient identity, IngestionClient ingestion) {
        this.identity = identity;
        this.ingestion = ingestion;
    }

    /** The profile (survivor of a merged id) and one page of its events, in clear. */
    public record Timeline(Profile profile, Page<TimelineEvent> page) {
    }

    public Uni<Timeline> page(String workspace, String profileId, int limit, String cursor) {
        return identity.profile(workspace, profileId).flatMap(profile -> {
            List<String> ids = new ArrayList<>();
            ids.add(profile.getProfileId());
            ids.addAll(profile.getMergedProfileIdsList());
            return ingestion.events(workspace, ids, IngestionClient.Events.ALL, limit, cursor)
                    .map(answer -> new Timeline(profile, new Page<>(
                            answer.getEventsList().stream().map(e -> event(e, false)).toList(),
                            answer.getNextPageToken().isEmpty() ? null : answer.getNextPageToken())));
        });
    }

    public static TimelineEvent event(ResolvedEvent resolved, boolean masked) {
        Event e = resolved.getEvent();
        List<ProfileView.IdentifierView> identifiers = e.getIdentifiersList().stream()
                .map(i -> new ProfileView.IdentifierView(i.getType(), i.getValue()))
                .map(i -> masked ? i.masked() : i)
                .toList();
        return new TimelineEvent(resolved.getEventId(), resolved.getProfileId(), e.getMessageId(), e.getType(),
                e.getName().isEmpty() ? null : e.getName(), e.getChannel(), e.getSource(),
                instant(e.hasTimestamp(), e.getTimestamp()), instant(e.hasReceivedAt(), e.getReceivedAt()),
                identifiers, Structs.toMap(e.getTraits(), masked), Structs.toMap(e.getProperties(), false),
                new TreeMap<>(e.getConsentMap()));
    }

    /** The same event as a caller without pii:read sees it: identifiers and every trait value masked. */
    public static TimelineEvent masked(TimelineEvent event) {
        Map<String, Object> traits = Structs.masked(event.traits());
        return new TimelineEvent(event.eventId(), event.profileId(), event.messageId(), event.type(), event.name(),
                event.channel(), event.source(), event.timestamp(), event.receivedAt(),
                event.identifiers().stream().map(ProfileView.IdentifierView::masked).toList(), traits,
                event.properties(), event.consent());
    }

    private static Instant instant(boolean present, Timestamp timestamp) {
        return present ? Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()) : null;
    }
}

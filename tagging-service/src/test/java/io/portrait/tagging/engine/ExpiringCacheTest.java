package io.portrait.tagging.engine;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExpiringCacheTest {

    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger loads = new AtomicInteger();

    /** Each load answers the key with the number of loads so far, so a kept value is told from a fresh one. */
    private ExpiringCache<String, String> cache(Duration ttl) {
        return new ExpiringCache<>(key -> Uni.createFrom().item(() -> key + "#" + loads.incrementAndGet()), ttl,
                now::get);
    }

    private static String get(ExpiringCache<String, String> cache, String key) {
        return cache.get(key).await().indefinitely();
    }

    @Test
    void keepsAValueForItsTimeToLivePerKey() {
        ExpiringCache<String, String> cache = cache(Duration.ofSeconds(5));

        assertThat(get(cache, "ws1")).isEqualTo("ws1#1");
        now.addAndGet(Duration.ofMillis(4999).toNanos());
        assertThat(get(cache, "ws1")).isEqualTo("ws1#1");
        assertThat(get(cache, "ws2")).isEqualTo("ws2#2");
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(get(cache, "ws1")).isEqualTo("ws1#3");
        assertThat(get(cache, "ws2")).isEqualTo("ws2#2");
    }

    @Test
    void anInvalidatedKeyIsLoadedAgainAtOnceAndOthersAreKept() {
        ExpiringCache<String, String> cache = cache(Duration.ofMinutes(1));
        get(cache, "ws1");
        get(cache, "ws2");

        cache.invalidate("ws1");

        assertThat(get(cache, "ws1")).isEqualTo("ws1#3");
        assertThat(get(cache, "ws1")).isEqualTo("ws1#3");
        assertThat(get(cache, "ws2")).isEqualTo("ws2#2");
    }

    @Test
    void aLoadUnderWayWhenTheKeyIsInvalidatedIsAnsweredButNotKept() {
        List<UniEmitter<? super String>> pending = new ArrayList<>();
        ExpiringCache<String, String> cache = new ExpiringCache<>(key -> {
            loads.incrementAndGet();
            return Uni.createFrom().emitter(pending::add);
        }, Duration.ofMinutes(1), now::get);
        AtomicReference<String> answered = new AtomicReference<>();
        cache.get("ws1").subscribe().with(answered::set);

        cache.invalidate("ws1");
        pending.get(0).complete("read before the change");

        assertThat(answered.get()).isEqualTo("read before the change");
        cache.get("ws1").subscribe().with(answered::set);
        assertThat(loads).hasValue(2);
        pending.get(1).complete("read after the change");
        assertThat(answered.get()).isEqualTo("read after the change");
        assertThat(get(cache, "ws1")).isEqualTo("read after the change");
        assertThat(loads).hasValue(2);
    }

    @Test
    void aTimeToLiveOfZeroKeepsNothing() {
        ExpiringCache<String, String> cache = cache(Duration.ZERO);

        assertThat(get(cache, "ws1")).isEqualTo("ws1#1");
        assertThat(get(cache, "ws1")).isEqualTo("ws1#2");
        assertThatThrownBy(() -> cache(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFailedLoadIsNotKept() {
        AtomicInteger calls = new AtomicInteger();
        ExpiringCache<String, String> cache = new ExpiringCache<>(key -> calls.incrementAndGet() == 1
                ? Uni.createFrom().failure(new IllegalStateException("store down"))
                : Uni.createFrom().item("loaded"), Duration.ofMinutes(1), now::get);

        assertThatThrownBy(() -> get(cache, "ws1")).hasMessage("store down");
        assertThat(get(cache, "ws1")).isEqualTo("loaded");
        assertThat(get(cache, "ws1")).isEqualTo("loaded");
        assertThat(calls).hasValue(2);
    }
}

package io.portrait.gateway.rest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource method that changes configuration or data on an administrator's word (tags, segments, models,
 * tracking plans, identity corrections, replays): once it succeeds, {@link AdminChangeAudit} writes an audit
 * entry before the answer leaves.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AdminChange {

    /** The audit action, e.g. {@code tag.published}. */
    String value();

    /** The path parameter naming what was changed (the audit target); none when empty. */
    String target() default "";

    /**
     * For a call that creates something: the property of the answer naming it (dotted, e.g. {@code definition.code}),
     * the audit target when {@link #target()} is empty.
     */
    String createdTarget() default "";
}

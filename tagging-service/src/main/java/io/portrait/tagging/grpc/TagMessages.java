package io.portrait.tagging.grpc;

import io.portrait.common.sink.ProtoTimestamps;
import io.portrait.proto.tagging.v1.RecomputeJob;
import io.portrait.proto.tagging.v1.TagCategory;
import io.portrait.proto.tagging.v1.TagDefinition;
import io.portrait.proto.tagging.v1.TagVersion;
import io.portrait.tagging.domain.TagVersionRow;

/** Domain records to wire messages. */
final class TagMessages {

    private TagMessages() {
    }

    static TagCategory category(io.portrait.tagging.domain.TagCategory category) {
        return TagCategory.newBuilder().setCode(category.code()).setName(category.name())
                .setDescription(category.description())
                .setParentCode(category.parentCode() == null ? "" : category.parentCode()).build();
    }

    static TagDefinition definition(io.portrait.tagging.domain.TagDefinition d) {
        TagDefinition.Builder out = TagDefinition.newBuilder().setCode(d.code()).setName(d.name())
                .setDescription(d.description()).setOwner(d.owner()).setCategoryCode(d.categoryCode())
                .setKind(d.kind()).setValueType(d.valueType()).setUpdateMode(d.updateMode()).setStatus(d.status())
                .setLatestVersion(d.latestVersion()).setLiveVersion(d.liveVersion() == null ? 0 : d.liveVersion());
        if (d.createdAt() != null) {
            out.setCreatedAt(ProtoTimestamps.toProto(d.createdAt()));
        }
        if (d.updatedAt() != null) {
            out.setUpdatedAt(ProtoTimestamps.toProto(d.updatedAt()));
        }
        return out.build();
    }

    static TagVersion version(TagVersionRow v) {
        TagVersion.Builder out = TagVersion.newBuilder().setVersion(v.version()).setSpecJson(v.spec());
        if (v.createdAt() != null) {
            out.setCreatedAt(ProtoTimestamps.toProto(v.createdAt()));
        }
        if (v.publishedAt() != null) {
            out.setPublishedAt(ProtoTimestamps.toProto(v.publishedAt()));
        }
        return out.build();
    }

    static RecomputeJob job(io.portrait.tagging.domain.RecomputeJob job) {
        RecomputeJob.Builder out = RecomputeJob.newBuilder().setJobId(job.jobId()).setCode(job.code())
                .setVersion(job.version()).setState(job.state()).setTotal(job.total()).setDone(job.done())
                .setError(job.error() == null ? "" : job.error());
        if (job.startedAt() != null) {
            out.setStartedAt(ProtoTimestamps.toProto(job.startedAt()));
        }
        if (job.finishedAt() != null) {
            out.setFinishedAt(ProtoTimestamps.toProto(job.finishedAt()));
        }
        return out.build();
    }
}

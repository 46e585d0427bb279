package io.portrait.gateway.rest;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

import java.util.Map;

/**
 * Gives every problem+json answer in the OpenAPI document the {@code Problem} schema (RFC 9457: type, title, status,
 * detail, and extension members such as {@code errors} or {@code limit}), so that generated clients read errors as
 * typed values. Operations declare their error answers with the media type only; this fills in the schema once.
 */
public class ProblemSchemaFilter implements OASFilter {

    static final String SCHEMA = "Problem";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Components components = openAPI.getComponents();
        components.addSchema(SCHEMA, problemSchema());
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (PathItem path : openAPI.getPaths().getPathItems().values()) {
            for (Operation operation : path.getOperations().values()) {
                if (operation.getResponses() == null || operation.getResponses().getAPIResponses() == null) {
                    continue;
                }
                operation.getResponses().getAPIResponses().values().forEach(ProblemSchemaFilter::typeProblems);
            }
        }
    }

    private static void typeProblems(APIResponse response) {
        if (response.getContent() == null || response.getContent().getMediaTypes() == null) {
            return;
        }
        MediaType problem = response.getContent().getMediaTypes().get(Problem.MEDIA_TYPE);
        if (problem != null && problem.getSchema() == null) {
            problem.setSchema(OASFactory.createSchema().ref(SCHEMA));
        }
    }

    private static Schema problemSchema() {
        return OASFactory.createSchema()
                .type(java.util.List.of(Schema.SchemaType.OBJECT))
                .description("An RFC 9457 problem detail; extension members (errors, accepted, limit, ...) per type.")
                .properties(Map.of(
                        "type", text("Stable identifier to switch on, e.g. /problems/invalid-request."),
                        "title", text("Short summary of the type."),
                        "status", OASFactory.createSchema().type(java.util.List.of(Schema.SchemaType.INTEGER)).description("HTTP status."),
                        "detail", text("What went wrong with this request."),
                        "instance", text("The occurrence, when one is named.")))
                .addRequired("type").addRequired("title").addRequired("status")
                .additionalPropertiesBoolean(true);
    }

    private static Schema text(String description) {
        return OASFactory.createSchema().type(java.util.List.of(Schema.SchemaType.STRING)).description(description);
    }
}

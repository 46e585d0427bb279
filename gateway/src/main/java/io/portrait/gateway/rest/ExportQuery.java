package io.portrait.gateway.rest;

import io.portrait.gateway.engine.ExportColumns;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** The columns an audience export adds to profile_id and since, as asked in its query: the same for every format. */
public class ExportQuery {

    @QueryParam("identifiers")
    @Parameter(description = "Identifier types to add, comma-separated, e.g. email,phone.")
    String identifiers;

    @QueryParam("traits")
    @Parameter(description = "Golden-record traits to add, comma-separated, e.g. name,city.")
    String traits;

    @QueryParam("tags")
    @Parameter(description = "Tag codes whose values to add, comma-separated, e.g. loyalty,spend_band.")
    String tags;

    /** The asked columns; a malformed or too long list is a 400. */
    ExportColumns columns() {
        try {
            return ExportColumns.parse(identifiers, traits, tags);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidRequest(e.getMessage());
        }
    }
}

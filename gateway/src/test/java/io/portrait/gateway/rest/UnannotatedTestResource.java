package io.portrait.gateway.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** An endpoint that forgot its @RolesAllowed: the gateway must keep it closed to everyone. */
@Path("/test/unannotated")
public class UnannotatedTestResource {

    @GET
    public String open() {
        return "should never be answered";
    }
}

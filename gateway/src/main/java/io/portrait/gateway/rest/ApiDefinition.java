package io.portrait.gateway.rest;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/** The API's ways to authenticate (the third for Segment's SDKs only), as the OpenAPI document (and Swagger UI's Authorize button) show them. */
@OpenAPIDefinition(info = @Info(title = "Portrait API", version = "v1"))
@SecurityScheme(securitySchemeName = "apiKey", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
        apiKeyName = ApiKeyAuthenticationMechanism.HEADER,
        description = "An API key (ptk_...) of a workspace, created by a key admin.")
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT",
        description = "A JWT whose scope claim lists the scopes and whose workspace claim names the workspace.")
@SecurityScheme(securitySchemeName = "segmentWriteKey", type = SecuritySchemeType.HTTP, scheme = "basic",
        description = "On /compat/segment only: a Portrait API key as the Basic user name, empty password, as "
                + "Segment's SDKs send their write key.")
public class ApiDefinition extends Application {
}

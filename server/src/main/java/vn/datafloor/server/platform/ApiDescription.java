package vn.datafloor.server.platform;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI 3.1 description's front matter: what the API is and how machine clients authenticate. */
@Configuration(proxyBeanMethods = false)
class ApiDescription {

    @Bean
    OpenAPI datafloorOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Datafloor API")
                        .version("0.1.0")
                        .description(
                                "Open national data platform and data exchange. Errors are RFC 9457 problem details; "
                                        + "machine clients send an API key as `Authorization: Bearer dfk_…`."))
                .components(new Components()
                        .addSecuritySchemes(
                                "apiKey",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .bearerFormat("dfk_<id>_<secret>")))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }
}

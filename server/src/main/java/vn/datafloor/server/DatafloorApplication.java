package vn.datafloor.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Datafloor platform: one Spring Boot application, one package per capability. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DatafloorApplication {

    public static void main(String[] args) {
        SpringApplication.run(DatafloorApplication.class, args);
    }
}

package io.portrait.common.embedded;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedStoresTest {

    @Test
    void postgresServesOneDatabasePerService() throws Exception {
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.startEphemeral()) {
            server.ensureDatabase("identity");
            server.ensureDatabase("identity");
            try (Connection c = DriverManager.getConnection(server.jdbcUrl("identity"),
                    EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
                 ResultSet rs = c.createStatement().executeQuery("select current_database()")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("identity");
            }
            assertThat(server.quarkusConfig("identity"))
                    .containsEntry("quarkus.datasource.reactive.url", "postgresql://localhost:" + server.port() + "/identity");
        }
    }

    @Test
    void mongoFileBackendSurvivesRestart(@TempDir Path dir) {
        Path file = dir.resolve("mongo.mv");
        try (EmbeddedMongoServer server = EmbeddedMongoServer.startPersistent(file, 0);
             MongoClient client = MongoClients.create(server.connectionString())) {
            client.getDatabase("ingestion").getCollection("events").insertOne(new Document("_id", "m-1"));
        }
        try (EmbeddedMongoServer server = EmbeddedMongoServer.startPersistent(file, 0);
             MongoClient client = MongoClients.create(server.connectionString())) {
            assertThat(client.getDatabase("ingestion").getCollection("events").countDocuments()).isEqualTo(1);
        }
    }
}

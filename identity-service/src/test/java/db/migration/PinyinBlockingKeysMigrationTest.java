package db.migration;

import io.agroal.api.AgroalDataSource;
import io.portrait.common.testing.PostgresTestResource;
import io.portrait.identity.engine.linkage.FellegiSunter;
import io.portrait.identity.engine.linkage.PersonRecord;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V8 rebuilds the blocking keys stored for names outside ASCII from the stored keys themselves: a profile indexed
 * under 王伟 as written ends up under exactly the keys it would get today, so Wang Wei finds it.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "identity"))
class PinyinBlockingKeysMigrationTest {

    @Inject
    AgroalDataSource dataSource;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "1:伟|19900315; 1:wei|19900315",
            "2:王|19900315; 2:wang|19900315",
            "0:王|伟明; 0:wang|we",
            "5:伟|200040; 5:wei|200040",
            "7:伟|王; 7:wang|wei",
            "2:曾|19900315; 2:zeng|19900315 2:ceng|19900315",
            "1:wéi|19900315; 1:wei|19900315",
            "3:19900315|200040; 3:19900315|200040",
            "1:wei|19900315; 1:wei|19900315",
            "1:a|b|c; 1:a|b|c",
    })
    void aStoredKeyIsReadBackIntoItsFieldsAndBlockedAgain(String stored, String rebuilt) {
        assertThat(V8__Pinyin_blocking_keys.rebuilt(stored)).containsExactlyInAnyOrder(rebuilt.split(" "));
    }

    @Test
    void profilesIndexedUnderNamesAsWrittenAreIndexedUnderTheirPinyin() throws SQLException {
        String workspace = "pinyin-keys-" + UUID.randomUUID();
        UUID wang = UUID.randomUUID();
        UUID smith = UUID.randomUUID();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            insertProfile(connection, workspace, wang);
            insertProfile(connection, workspace, smith);
            // What the index held for 王伟 (born 1990-03-15, postcode 200040) before names were read as pinyin.
            for (String key : List.of("0:王|伟", "1:伟|19900315", "2:王|19900315", "3:19900315|200040",
                    "5:伟|200040", "7:伟|王")) {
                insertKey(connection, workspace, wang, key);
            }
            List<String> smithKeys = FellegiSunter.blockingKeys(person("anna", "smith"));
            for (String key : smithKeys) {
                insertKey(connection, workspace, smith, key);
            }

            V8__Pinyin_blocking_keys.rebuild(connection);
            connection.commit();

            assertThat(keys(connection, workspace, wang))
                    .containsExactlyInAnyOrderElementsOf(FellegiSunter.blockingKeys(person("伟", "王")))
                    .containsAll(FellegiSunter.blockingKeys(person("Wei", "Wang")).stream()
                            .filter(key -> !key.startsWith("0:") && !key.startsWith("5:")).toList());
            assertThat(keys(connection, workspace, smith)).containsExactlyInAnyOrderElementsOf(smithKeys);
        }
    }

    private static PersonRecord person(String given, String surname) {
        return new PersonRecord("p", given, surname, null, null, null, null, "200040", null, "19900315", null);
    }

    private static void insertProfile(Connection connection, String workspace, UUID id) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into profile (id, workspace, created_at) values (?, ?, ?)")) {
            insert.setObject(1, id);
            insert.setString(2, workspace);
            insert.setTimestamp(3, Timestamp.from(Instant.parse("2025-01-01T00:00:00Z")));
            insert.executeUpdate();
        }
    }

    private static void insertKey(Connection connection, String workspace, UUID profile, String key)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into person_block (workspace, block_key, profile_id) values (?, ?, ?)")) {
            insert.setString(1, workspace);
            insert.setString(2, key);
            insert.setObject(3, profile);
            insert.executeUpdate();
        }
    }

    private static List<String> keys(Connection connection, String workspace, UUID profile) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select block_key from person_block where workspace = ? and profile_id = ?")) {
            select.setString(1, workspace);
            select.setObject(2, profile);
            List<String> keys = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    keys.add(rows.getString(1));
                }
            }
            return keys;
        }
    }
}

package db.migration;

import io.portrait.identity.engine.linkage.FellegiSunter;
import io.portrait.identity.engine.linkage.PersonRecord;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Names with a letter outside ASCII (Chinese characters, pinyin with tone marks) now enter blocking keys as toneless
 * pinyin, one key per reading, so that 王伟 and Wang Wei become candidates for each other. The keys stored for
 * such names were built from the name as written; they are rebuilt here. PostgreSQL has no pinyin, so this migration
 * is Java: like V7 it derives the new keys from the stored ones (each name key holds the names it was built from),
 * rather than from the golden records, whose survivorship rules are configuration. Keys without such a letter are
 * what they were and stay.
 */
public class V8__Pinyin_blocking_keys extends BaseJavaMigration {

    /** The passes whose keys hold names, as they were laid out when this migration was written. */
    private static final List<String> NAME_PASSES = List.of("0", "1", "2", "5", "7");

    @Override
    public void migrate(Context context) throws SQLException {
        rebuild(context.getConnection());
    }

    /** Within the caller's transaction: maps each stored non-ASCII key to its new keys, then swaps them in. */
    static void rebuild(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("create temporary table block_key_map (old_key text not null, new_key text not null)"
                    + " on commit drop");
        }
        try (Statement select = connection.createStatement();
             PreparedStatement insert = connection.prepareStatement("insert into block_key_map values (?, ?)")) {
            select.setFetchSize(10_000);
            // More bytes than characters: the key holds a character outside ASCII.
            try (ResultSet keys = select.executeQuery(
                    "select distinct block_key from person_block where octet_length(block_key) <> length(block_key)")) {
                int batched = 0;
                while (keys.next()) {
                    String old = keys.getString(1);
                    for (String key : rebuilt(old)) {
                        insert.setString(1, old);
                        insert.setString(2, key);
                        insert.addBatch();
                        batched++;
                    }
                    if (batched >= 1_000) {
                        insert.executeBatch();
                        batched = 0;
                    }
                }
                insert.executeBatch();
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("""
                    insert into person_block (workspace, block_key, profile_id)
                    select b.workspace, m.new_key, b.profile_id
                    from person_block b join block_key_map m on m.old_key = b.block_key
                    on conflict do nothing""");
            // An old key goes unless it is also one of its own new keys (a name read as it is written).
            statement.executeUpdate("""
                    delete from person_block b
                    where exists (select 1 from block_key_map m where m.old_key = b.block_key)
                      and not exists (select 1 from block_key_map m
                                      where m.old_key = b.block_key and m.new_key = b.block_key)""");
        }
    }

    /**
     * The keys a stored key stands for now: a name key ({@code pass:a|b}) read back into the fields it was built
     * from and blocked again; any other key as it is. A key whose names hold the separator cannot be read back and
     * is kept (a stale key only brings a candidate to be scored, never a match).
     */
    static List<String> rebuilt(String storedKey) {
        int colon = storedKey.indexOf(':');
        String pass = storedKey.substring(0, Math.max(colon, 0));
        String[] parts = storedKey.substring(colon + 1).split("\\|", -1);
        if (colon < 0 || !NAME_PASSES.contains(pass) || parts.length != 2) {
            return List.of(storedKey);
        }
        PersonRecord record = switch (pass) {
            // surname | the given name's first two letters, which read as the given name's do
            case "0" -> person(parts[1], parts[0], null, null);
            case "1" -> person(parts[0], null, parts[1], null);
            case "2" -> person(null, parts[0], parts[1], null);
            case "5" -> person(parts[0], null, null, parts[1]);
            // given name and surname in either order: the pass sorts them again
            default -> person(parts[0], parts[1], null, null);
        };
        return FellegiSunter.blockingKeys(record).stream().filter(key -> key.startsWith(pass + ":")).toList();
    }

    private static PersonRecord person(String given, String surname, String dateOfBirth, String postcode) {
        return new PersonRecord("stored", given, surname, null, null, null, null, postcode, null, dateOfBirth, null);
    }
}

package io.portrait.identity.engine.linkage;

/**
 * A person as a CRM or POS import describes them, without any shared key. Missing fields are null. Values are
 * compared after {@link #clean}: lower case, trimmed, inner spaces collapsed.
 */
public record PersonRecord(String id, String givenName, String surname, String streetNumber, String address1,
                           String address2, String suburb, String postcode, String state, String dateOfBirth,
                           String idNumber) {

    public PersonRecord {
        givenName = clean(givenName);
        surname = clean(surname);
        streetNumber = clean(streetNumber);
        address1 = clean(address1);
        address2 = clean(address2);
        suburb = clean(suburb);
        postcode = clean(postcode);
        state = clean(state);
        dateOfBirth = clean(dateOfBirth);
        idNumber = clean(idNumber);
    }

    static String clean(String value) {
        if (value == null) {
            return null;
        }
        String cleaned = value.strip().toLowerCase(java.util.Locale.ROOT).replaceAll("\\s+", " ");
        return cleaned.isEmpty() ? null : cleaned;
    }
}

package io.portrait.identity.engine.linkage;

/**
 * A person as a CRM or POS import describes them, without any shared key. Missing fields are null. Values are
 * compared after {@link #clean}: lower case, trimmed, inner spaces collapsed. {@code phone} is a phone number as
 * written (any prefix or punctuation), or a fragment of one; Febrl's records have none.
 */
public record PersonRecord(String id, String givenName, String surname, String streetNumber, String address1,
                           String address2, String suburb, String postcode, String state, String dateOfBirth,
                           String idNumber, String phone) {

    /** A record without a phone number, as Febrl's are. */
    public PersonRecord(String id, String givenName, String surname, String streetNumber, String address1,
                        String address2, String suburb, String postcode, String state, String dateOfBirth,
                        String idNumber) {
        this(id, givenName, surname, streetNumber, address1, address2, suburb, postcode, state, dateOfBirth, idNumber,
                null);
    }

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
        phone = clean(phone);
    }

    static String clean(String value) {
        if (value == null) {
            return null;
        }
        String cleaned = value.strip().toLowerCase(java.util.Locale.ROOT);
        // Most values have no run of spaces; the regular expression is kept for those that do (millions of calls).
        for (int i = 0; i < cleaned.length(); i++) {
            char c = cleaned.charAt(i);
            if (c != ' ' && Character.isWhitespace(c) || c == ' ' && cleaned.charAt(i + 1) == ' ') {
                cleaned = cleaned.replaceAll("\\s+", " ");
                break;
            }
        }
        return cleaned.isEmpty() ? null : cleaned;
    }
}

package io.portrait.gateway.rest;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Reads a list of the API to its end as a client does: page after page, following next. */
final class PagedList {

    private PagedList() {
    }

    /**
     * The codes of every page of the list, asked {@code limit} at a time with the query, following next to the end.
     * Each page holds at most {@code limit}, and only a full page may have a next.
     */
    static List<String> codes(String list, Map<String, String> query, int limit) {
        List<String> codes = new ArrayList<>();
        String cursor = null;
        do {
            RequestSpecification request = given().queryParams(query).queryParam("limit", limit);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.when().get(list).then().statusCode(200).extract().jsonPath();
            List<String> items = page.getList("items.code", String.class);
            assertThat(items).as(list).hasSizeLessThanOrEqualTo(limit);
            cursor = page.getString("next");
            assertThat(cursor == null || items.size() == limit).as("only a full page has a next").isTrue();
            codes.addAll(items);
        } while (cursor != null);
        return codes;
    }
}

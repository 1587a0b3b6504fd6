package io.secureconnect.policy.testsupport;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.UUID;

/** API keys the in-test key-validator understands, and unique accounts so that tests never share data. */
public final class Keys {

    private Keys() {
    }

    /** A fresh account id for one test. */
    public static String newAccount() {
        return "acc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** A token of the account holding what the words say, e.g. token(a, "view", "edit"). */
    public static String token(String account, String... words) {
        return "pat." + account + "." + String.join("-", words) + "." + FakeKeyValidator.SECRET;
    }

    /** A JSON request with a key that may view, edit and delete the account's connectors. */
    public static RequestSpecification asAdmin(String account) {
        return as(token(account, "view", "edit", "delete"));
    }

    public static RequestSpecification as(String token) {
        return given().contentType(ContentType.JSON).header("x-api-key", token);
    }
}

package io.portrait.recommendation.repository;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoException;

/** Telling apart the failures a repository recovers from. */
final class MongoErrors {

    private MongoErrors() {
    }

    /** An insert or upsert collided with a unique index: another writer created the document first. */
    static boolean isDuplicateKey(Throwable failure) {
        return failure instanceof MongoException mongo
                && ErrorCategory.fromErrorCode(mongo.getCode()) == ErrorCategory.DUPLICATE_KEY;
    }
}

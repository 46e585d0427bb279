package io.portrait.ingestion.repository;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;

/** Recognizes the one write failure the repositories expect: a unique key already taken. */
final class MongoErrors {

    private MongoErrors() {
    }

    static boolean isDuplicateKey(Throwable failure) {
        if (failure instanceof MongoWriteException e) {
            return ErrorCategory.fromErrorCode(e.getCode()) == ErrorCategory.DUPLICATE_KEY;
        }
        if (failure instanceof MongoCommandException e) {
            return ErrorCategory.fromErrorCode(e.getErrorCode()) == ErrorCategory.DUPLICATE_KEY;
        }
        return false;
    }

    /** True when every failed write of the bulk failed on a unique key only. */
    static boolean onlyDuplicateKeys(MongoBulkWriteException e) {
        return e.getWriteConcernError() == null && e.getWriteErrors().stream()
                .allMatch(MongoErrors::isDuplicateKey);
    }

    static boolean isDuplicateKey(BulkWriteError error) {
        return ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY;
    }
}

package io.portrait.identity.repository;

import io.portrait.identity.engine.IdentifierKey;

/** An identifier ready to store: its match key and its value sealed with AES-GCM. */
public record NewIdentifier(IdentifierKey key, byte[] sealedValue) {
}

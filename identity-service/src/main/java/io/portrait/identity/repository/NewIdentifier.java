package io.portrait.identity.repository;

/** An identifier ready to store: its match key and its value sealed with AES-GCM. */
public record NewIdentifier(IdentifierKey key, byte[] sealedValue) {
}

/**
 * Plumbing shared by the PostgreSQL sinks of {@code portrait.sink.v1.EventSink}: the ledger of applied events
 * and merges, profile aliases, the apply/merge/erase orchestration, request checks and gRPC status mapping.
 * Plain classes, no CDI beans or entities: each sink wires them up and keeps its own data and transactions.
 * Needs quarkus-hibernate-reactive-panache, quarkus-reactive-pg-client and quarkus-grpc, which the sinks bring.
 */
package io.portrait.common.sink;

-- Ingestion: a retried batch is answered from ingest_batches only when it is the same request, so each batch
-- keeps the sha256 of its canonical request; the same Idempotency-Key with another request is refused. Null
-- for batches stored without one, which no retry matches.
ALTER TABLE "ingest_batches" ADD COLUMN "request_hash" TEXT;

-- The object counts the agent last reported in its heartbeat, to compare with what is stored.
ALTER TABLE "clusters" ADD COLUMN "agent_counts" JSONB;

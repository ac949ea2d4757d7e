-- Inventory batches carry the time the agent observed them (`observedAt`, default: the time the API received
-- them). A resync's sweep deletes what no batch has seen since the sync's observation time, the earliest of its
-- chunks': objects' last_seen_at now holds observation times, so the receipt time (received_at) no longer compares.
-- Null on batches stored before, and on audit and heartbeat batches.
ALTER TABLE "ingest_batches" ADD COLUMN "observed_at" TIMESTAMPTZ(3);

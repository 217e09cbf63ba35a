// Elasticsearch inference endpoints (PUT /_inference/{task_type}/{inference_id}) with typed checks, per-key secrets, drift detection and model deployment waits.
package elasticsearchinference

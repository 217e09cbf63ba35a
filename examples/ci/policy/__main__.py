"""Policy pack elasticsearch-inference: the rules of pulumi_inference.policy for
Elasticsearch inference endpoints, the dynamic InferenceEndpoint's and the
elasticsearch-inference plugin's.

    python3 -m venv venv && venv/bin/pip install -r requirements.txt
    pulumi preview --policy-pack PATH/TO/THIS/DIRECTORY [--policy-pack-config config.json]
"""

# Rules (default enforcement); configure them in a JSON file passed with --policy-pack-config,
# e.g. {"inference-allowed-services": {"allowed": ["elasticsearch", "openai"]},
#       "inference-no-adopt-existing": "mandatory"}:
#   inference-allowed-services (mandatory)
#   inference-allowed-task-types (mandatory)
#   inference-allowed-models (mandatory)
#   inference-max-allocations-per-endpoint (mandatory)
#   inference-max-allocations-per-stack (mandatory)
#   inference-no-force-delete (mandatory)
#   inference-protected-in-stacks (mandatory)
#   inference-no-adopt-existing (advisory)
#   inference-no-unknown-service (mandatory)
#   region-policy-required (mandatory)

from pulumi_inference.policy import serve_policy_pack

serve_policy_pack("elasticsearch-inference")

"""The fleet benchmark's program: benchmarks/fleet.py copies it into each project
directory and says what to declare in FLEET_* variables."""

import json
import os

import pulumi

KIND = os.environ["FLEET_KIND"]
N = int(os.environ["FLEET_N"])
URLS = json.loads(os.environ["FLEET_URLS"])
USER = os.environ.get("FLEET_USER", "a")


def declared(i):
    return {
        "inference_id": f"fleet-{i}",
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {
            "model_id": "text-embedding-3-small",
            "api_key": os.environ["FLEET_API_KEY"],
        },
        "task_settings": {"user": USER},
    }


if KIND == "component":
    for i in range(N):
        pulumi.ComponentResource("fleet:index:Tenant", f"e{i}", {"user": USER})
elif KIND == "noop":
    from fleet_noop import NoopResource  # beside this file: pickled by reference, as ours is

    for i in range(N):
        NoopResource(f"e{i}", declared(i))
elif KIND == "dynamic":
    import pulumi_inference as inference

    for i in range(N):
        args = declared(i)
        inference.InferenceEndpoint(
            f"e{i}", **args, connection=inference.Connection(url=URLS[i % len(URLS)])
        )
else:
    import pulumi_inference as inference
    from pulumi_inference import native

    providers = [
        native.Provider(f"cluster{c}", inference.Connection(url=url)) for c, url in enumerate(URLS)
    ]
    for i in range(N):
        native.InferenceEndpoint(
            f"e{i}", **declared(i), opts=pulumi.ResourceOptions(provider=providers[i % len(URLS)])
        )

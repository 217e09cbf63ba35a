"""The program of the team tests' project directory (copied there as __main__.py): the
endpoints of stack config ``endpoints`` (JSON: resource name -> InferenceEndpoint arguments)
through the front end named by ``door``, on the cluster of ``esUrl`` / ``esApiKey``."""

import json

import pulumi

import pulumi_inference as inference
import pulumi_inference.native as es

cfg = pulumi.Config()
cluster = inference.Connection(url=cfg.require("esUrl"), api_key=cfg.require_secret("esApiKey"))
native = cfg.require("door") == "native"
provider = es.Provider("cluster", cluster) if native else None
for name, arguments in json.loads(cfg.require("endpoints")).items():
    if native:
        es.InferenceEndpoint(name, **arguments, opts=pulumi.ResourceOptions(provider=provider))
    else:
        inference.InferenceEndpoint(name, **arguments, connection=cluster)
